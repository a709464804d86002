// A transport segment written by hand and sent through a raw IP socket of a simulated
// node, so that its checksum is whatever the test says (the index tests check that a bad
// one is dropped as ns-3 drops it).
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "ipv4_datagram.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/socket.h"
#include "ns3/uinteger.h"

#include <cstddef>
#include <cstdint>

namespace cmslab::devices::net::test {

// Sends `segment` (UDP or TCP, ports included) from `node` to `to`, with the checksum at
// `checksum_at` set over the pseudo-header of RFC 768 / RFC 793 (addresses, protocol,
// length) and the segment; spoiled when `good_checksum` is false.
inline void SendRawL4(ns3::Ptr<ns3::Node> node, IpAddress from, IpAddress to, std::uint8_t protocol,
                      Bytes segment, std::size_t checksum_at, bool good_checksum) {
    segment[checksum_at] = 0;
    segment[checksum_at + 1] = 0;
    const auto length = static_cast<std::uint16_t>(segment.size());
    Bytes summed;
    for (std::uint32_t a : {from.V4Value(), to.V4Value()})
        for (int shift = 24; shift >= 0; shift -= 8)
            summed.push_back(static_cast<std::uint8_t>(a >> shift));
    summed.insert(summed.end(), {0, protocol, static_cast<std::uint8_t>(length >> 8),
                                 static_cast<std::uint8_t>(length)});
    summed.insert(summed.end(), segment.begin(), segment.end());
    std::uint16_t checksum = devices::InternetChecksum(summed);
    if (!good_checksum)
        checksum = static_cast<std::uint16_t>(checksum ^ 0x0101);
    segment[checksum_at] = static_cast<std::uint8_t>(checksum >> 8);
    segment[checksum_at + 1] = static_cast<std::uint8_t>(checksum);

    ns3::Ptr<ns3::Socket> raw =
        ns3::Socket::CreateSocket(node, ns3::Ipv4RawSocketFactory::GetTypeId());
    raw->SetAttribute("Protocol", ns3::UintegerValue(protocol));
    raw->SendTo(
        ns3::Create<ns3::Packet>(segment.data(), static_cast<std::uint32_t>(segment.size())), 0,
        ns3::InetSocketAddress(ns3::Ipv4Address(to.V4Value()), 0));
    raw->Close();
}

inline void PutU16(Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

inline void PutU32(Bytes& b, std::size_t at, std::uint32_t v) {
    PutU16(b, at, static_cast<std::uint16_t>(v >> 16));
    PutU16(b, at + 2, static_cast<std::uint16_t>(v));
}

} // namespace cmslab::devices::net::test
