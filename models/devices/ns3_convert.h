// Conversions between the lab's plain values and ns-3's, for the adapters. Pulls in ns-3.
#pragma once

#include "common/address.h"
#include "common/time.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"

namespace cmslab::devices {

inline ns3::Ipv4Address ToNs3(const IpAddress& a) {
    return ns3::Ipv4Address(a.V4Value());
}
inline IpAddress FromNs3(const ns3::Ipv4Address& a) {
    return IpAddress::V4(a.Get());
}
inline Endpoint FromNs3(const ns3::InetSocketAddress& a) {
    return Endpoint{FromNs3(a.GetIpv4()), a.GetPort()};
}
inline ns3::InetSocketAddress ToNs3(const Endpoint& e) {
    return ns3::InetSocketAddress(ToNs3(e.address), e.port);
}
// The lab's clock: simulated time since the start of the run.
inline Instant ToInstant(const ns3::Time& t) {
    return Instant(t.GetNanoSeconds());
}
inline ns3::Time ToNs3(Duration d) {
    return ns3::NanoSeconds(d.count());
}

} // namespace cmslab::devices
