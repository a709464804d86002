#include "turn/types.h"

#include <tuple>

namespace cmslab::turn {

const char* TransportName(Transport transport) {
    return transport == Transport::Udp ? "UDP" : "TCP";
}

bool FiveTuple::operator<(const FiveTuple& o) const {
    return std::tie(transport, client, server) < std::tie(o.transport, o.client, o.server);
}

std::string FiveTuple::ToString() const {
    return std::string(TransportName(transport)) + " " + client.ToString() + " -> " +
           server.ToString();
}

} // namespace cmslab::turn
