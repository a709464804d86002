// Internal to the package: Endpoint <-> ns-3 socket addresses. Pulls in ns-3.
#pragma once

#include "common/address.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"

namespace cmslab::devices::net::detail {

inline ns3::Ipv4Address ToNs3Address(const IpAddress& a) {
    return ns3::Ipv4Address(a.V4Value());
}
inline ns3::InetSocketAddress ToNs3Address(const Endpoint& e) {
    return ns3::InetSocketAddress(ToNs3Address(e.address), e.port);
}
inline IpAddress FromNs3Address(const ns3::Ipv4Address& a) {
    return IpAddress::V4(a.Get());
}
// An IPv4 socket address as an Endpoint; {} for anything else.
inline Endpoint FromNs3Address(const ns3::Address& a) {
    if (!ns3::InetSocketAddress::IsMatchingType(a))
        return {};
    const ns3::InetSocketAddress inet = ns3::InetSocketAddress::ConvertFrom(a);
    return Endpoint{FromNs3Address(inet.GetIpv4()), inet.GetPort()};
}

} // namespace cmslab::devices::net::detail
