// RoomyPacket: the payload's bytes exactly, room for the headers and the trailer the way
// down adds, and a buffer that ns-3's free list takes back even after the join's TCP has
// handed back larger ones. This file is its own test program: it counts the array
// allocations (ns-3's packet buffers are arrays of bytes) by replacing operator new[].
#include "roomy_packet.h"

#include "ns3/ethernet-header.h"
#include "ns3/ethernet-trailer.h"
#include "ns3/ipv4-header.h"
#include "ns3/packet.h"
#include "ns3/udp-header.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

namespace {

bool g_counting = false;
std::size_t g_array_allocations = 0;

} // namespace

void* operator new[](std::size_t size) {
    if (g_counting)
        ++g_array_allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

namespace cmslab::devices::net::test {
namespace {

Bytes Payload(std::size_t size) {
    Bytes b(size);
    for (std::size_t i = 0; i < size; ++i)
        b[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return b;
}

Bytes Contents(const ns3::Packet& p) {
    Bytes b(p.GetSize());
    p.CopyData(b.data(), p.GetSize());
    return b;
}

// What a datagram gets on its way down a CSMA segment: UDP, IPv4, Ethernet and its FCS
// (whose computation copies the frame into an array of its own; not done when
// `compute_fcs` is false, so that only the packet's own allocations are counted).
void FrameIt(ns3::Ptr<ns3::Packet> p, bool compute_fcs = true) {
    ns3::UdpHeader udp;
    udp.SetSourcePort(3478);
    udp.SetDestinationPort(50000);
    p->AddHeader(udp);
    ns3::Ipv4Header ip;
    ip.SetPayloadSize(p->GetSize());
    ip.SetProtocol(17);
    p->AddHeader(ip);
    ns3::EthernetHeader eth(false);
    p->AddHeader(eth);
    ns3::EthernetTrailer fcs;
    fcs.EnableFcs(compute_fcs);
    if (compute_fcs)
        fcs.CalcFcs(p);
    p->AddTrailer(fcs);
}

TEST(RoomyPacket, CarriesThePayloadsBytesAndNothingElse) {
    // Up to the room, and beyond it (made the ordinary way). None larger than the room:
    // ns-3 would keep no smaller buffer for use again in this process after it.
    for (std::size_t size : {0, 1, 86, 172, 1200, 1472, 1968, 1969, 2040}) {
        const Bytes payload = Payload(size);
        ns3::Ptr<ns3::Packet> p = RoomyPacket(payload);
        EXPECT_EQ(p->GetSize(), size) << size;
        EXPECT_EQ(Contents(*p), payload) << size;
    }
}

TEST(RoomyPacket, TheHeadersAndTheTrailerGoAroundThePayload) {
    const Bytes payload = Payload(172);
    ns3::Ptr<ns3::Packet> roomy = RoomyPacket(payload);
    ns3::Ptr<ns3::Packet> plain = ns3::Create<ns3::Packet>(payload.data(), 172);
    FrameIt(roomy);
    FrameIt(plain);
    ASSERT_EQ(roomy->GetSize(), 14u + 20u + 8u + 172u + 4u);
    EXPECT_EQ(Contents(*roomy), Contents(*plain));
    ns3::EthernetTrailer fcs;
    fcs.EnableFcs(true);
    roomy->RemoveTrailer(fcs);
    EXPECT_TRUE(fcs.CheckFcs(roomy));
}

// Array allocations made while 20 rounds of 50 packets are made (by `make`) and framed,
// the 50 of a round alive together as datagrams in flight are, then let go.
template <class Make> std::size_t ArrayAllocationsInFlight(Make make) {
    g_array_allocations = 0;
    g_counting = true;
    for (int round = 0; round < 20; ++round) {
        std::vector<ns3::Ptr<ns3::Packet>> in_flight;
        for (int i = 0; i < 50; ++i)
            in_flight.push_back(make());
    }
    g_counting = false;
    return g_array_allocations;
}

// The join's TCP hands back a buffer of about 1.9 KB; from then on, ns-3 keeps only
// buffers at least that large for use again and frees the others. Media packets made the
// ordinary way get buffers of their own size, so each one in flight beyond the few large
// buffers allocates anew (for its bytes and again for its headers). Made here, they come
// from buffers used again after the first round: no allocation beyond the one every packet
// makes whatever its bytes (its metadata's, freed at once while ns-3 records none).
TEST(RoomyPacket, ItsBufferIsUsedAgainAfterTheJoinHandedBackALargerOne) {
    {
        const Bytes segment = Payload(1860);
        ns3::Ptr<ns3::Packet> big = ns3::Create<ns3::Packet>(segment.data(), 1860);
        FrameIt(big);
    }
    const Bytes rtp = Payload(172);
    auto plain_packet = [&] {
        ns3::Ptr<ns3::Packet> p = ns3::Create<ns3::Packet>(rtp.data(), 172);
        FrameIt(p, false);
        return p;
    };
    auto roomy_packet = [&] {
        ns3::Ptr<ns3::Packet> p = RoomyPacket(rtp);
        FrameIt(p, false);
        return p;
    };
    const std::size_t plain = ArrayAllocationsInFlight(plain_packet);
    ArrayAllocationsInFlight(roomy_packet); // the first round fills the free list
    const std::size_t roomy = ArrayAllocationsInFlight(roomy_packet);
    const std::size_t every_packet =
        ArrayAllocationsInFlight([] { return ns3::Create<ns3::Packet>(); });

    EXPECT_EQ(roomy, every_packet);
    EXPECT_GE(plain, every_packet + 1000); // the test can tell the difference
}

} // namespace
} // namespace cmslab::devices::net::test
