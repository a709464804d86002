#include "turn/types.h"

#include <cstdio>
#include <tuple>

namespace cmslab::turn {

const char* TransportName(Transport transport) {
    return transport == Transport::Udp ? "UDP" : "TCP";
}

std::string FiveTuple::ToString() const {
    return std::string(TransportName(transport)) + " " + client.ToString() + " -> " +
           server.ToString();
}

std::string ChannelText(std::uint16_t channel) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%04x", static_cast<unsigned>(channel));
    return text;
}

} // namespace cmslab::turn
