// The UDP port index on the reference network: the lab's ports receive through it what
// ns-3's sockets would have handed them, and everything else still goes to ns-3's UDP
// (its sockets, the ICMP port unreachable of a closed port, the drop of a bad checksum).
#include "devnet_fixture.h"
#include "raw_l4.h"
#include "udp_port.h"
#include "udp_port_index.h"

#include "ns3/inet-socket-address.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"

namespace cmslab::devices::net::test {
namespace {

struct Got {
    Endpoint from, to;
    Bytes data;
};

std::unique_ptr<UdpPort> BindOrFail(ns3::Ptr<ns3::Node> node, const Endpoint& local,
                                    std::vector<Got>* got) {
    auto port = UdpPort::Bind(node, local);
    if (!port) {
        ADD_FAILURE() << port.Message();
        return nullptr;
    }
    if (got != nullptr)
        (*port)->SetOnDatagram([got](const Endpoint& f, const Endpoint& t, const Bytes& d) {
            got->push_back({f, t, d});
        });
    return std::move(*port);
}

// A UDP datagram written by hand: its checksum is whatever the test says.
void SendRawUdp(ns3::Ptr<ns3::Node> node, const Endpoint& from, const Endpoint& to,
                const Bytes& payload, bool good_checksum) {
    Bytes udp(8);
    PutU16(udp, 0, from.port);
    PutU16(udp, 2, to.port);
    PutU16(udp, 4, static_cast<std::uint16_t>(udp.size() + payload.size()));
    udp.insert(udp.end(), payload.begin(), payload.end());
    SendRawL4(node, from.address, to.address, 17, udp, 6, good_checksum);
}

using UdpPortIndexTest = DevnetTest;

TEST_F(UdpPortIndexTest, DatagramsReachTheLabsPortsThroughTheIndex) {
    std::vector<Got> exact, any;
    auto inside = BindOrFail(Node("vcse"), Ep("172.16.85.168", 3478), &exact);
    auto wildcard = BindOrFail(Node("vcse"), AnyAddress(3478), &any);
    auto cms = BindOrFail(Node("cms"), AnyAddress(0), nullptr);
    auto guest = BindOrFail(Node("guest-pc"), AnyAddress(0), nullptr);
    ASSERT_TRUE(inside && wildcard && cms && guest);
    EXPECT_TRUE(cms->SendTo(Ep("172.16.85.168", 3478), Bytes{'a'})); // the bound address
    // To the public address, which the edge firewall translates to the outside NIC's.
    EXPECT_TRUE(guest->SendTo(Ep("10.88.246.156", 3478), Bytes{'b'}));
    m_world->RunFor(1);

    ASSERT_EQ(exact.size(), 1u) << "the port bound to the address goes before 0.0.0.0";
    EXPECT_EQ(exact[0].from, Ep("172.16.85.180", cms->LocalEndpoint().port));
    EXPECT_EQ(exact[0].to, Ep("172.16.85.168", 3478));
    EXPECT_EQ(exact[0].data, Bytes{'a'});
    ASSERT_EQ(any.size(), 1u);
    EXPECT_EQ(any[0].to, Ep("192.168.245.61", 3478)) << "the address it arrived at";
    EXPECT_EQ(any[0].data, Bytes{'b'});
    EXPECT_EQ(IndexedDatagrams(Node("vcse")), 2u) << "both found through the index";
}

TEST_F(UdpPortIndexTest, AClosedPortAnswersPortUnreachableAndABoundOneReceivesAgain) {
    auto cms = BindOrFail(Node("cms"), AnyAddress(0), nullptr);
    auto closed = BindOrFail(Node("vcse"), Ep("172.16.85.168", 7000), nullptr);
    ASSERT_TRUE(cms && closed);
    closed.reset();
    EXPECT_TRUE(cms->SendTo(Ep("172.16.85.168", 7000), Bytes{'x'}));
    m_world->RunFor(1);
    std::vector<Got> got;
    auto again = BindOrFail(Node("vcse"), Ep("172.16.85.168", 7000), &got);
    ASSERT_TRUE(again);
    EXPECT_TRUE(cms->SendTo(Ep("172.16.85.168", 7000), Bytes{'y'}));
    m_world->RunFor(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].data, Bytes{'y'});
    Finish();

    const auto unreachable = Tshark("internal", "icmp.type == 3 && icmp.code == 3",
                                    {"ip.src", "udp.dstport"}, {"-E", "occurrence=f"});
    ASSERT_EQ(unreachable.size(), 1u) << "ns-3's UDP answers for the closed port";
    EXPECT_EQ(unreachable[0], "172.16.85.168|7000");
}

TEST_F(UdpPortIndexTest, Ns3SocketsBesideTheIndexStillReceive) {
    // As the DNS boxes' sockets: ns-3's own, on a node whose UDP has the index in front.
    ns3::Ptr<ns3::Socket> plain =
        ns3::Socket::CreateSocket(Node("vcse"), ns3::UdpSocketFactory::GetTypeId());
    ASSERT_EQ(plain->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), 5353)), 0);
    int plain_got = 0;
    plain->SetRecvCallback([&](ns3::Ptr<ns3::Socket> s) {
        ns3::Address from;
        while (ns3::Ptr<ns3::Packet> p = s->RecvFrom(from)) {
            ++plain_got;
            s->SendTo(p, 0, from); // back to the lab's port
        }
    });
    std::vector<Got> echoed;
    auto cms = BindOrFail(Node("cms"), AnyAddress(0), &echoed);
    ASSERT_TRUE(cms);
    EXPECT_TRUE(cms->SendTo(Ep("172.16.85.168", 5353), Bytes{'q'}));
    m_world->RunFor(1);
    EXPECT_EQ(plain_got, 1);
    ASSERT_EQ(echoed.size(), 1u);
    EXPECT_EQ(echoed[0].from, Ep("172.16.85.168", 5353));
    EXPECT_EQ(IndexedDatagrams(Node("vcse")), 0u) << "not one of the lab's ports";
    EXPECT_EQ(IndexedDatagrams(Node("cms")), 1u);
    plain->Close();
}

TEST_F(UdpPortIndexTest, ABadChecksumIsDroppedAsNs3DropsIt) {
    std::vector<Got> got;
    auto port = BindOrFail(Node("vcse"), Ep("172.16.85.168", 3478), &got);
    ASSERT_TRUE(port);
    SendRawUdp(Node("cms"), Ep("172.16.85.180", 40000), Ep("172.16.85.168", 3478), Bytes{'b', 'a'},
               false);
    SendRawUdp(Node("cms"), Ep("172.16.85.180", 40000), Ep("172.16.85.168", 3478), Bytes{'o', 'k'},
               true);
    m_world->RunFor(1);
    ASSERT_EQ(got.size(), 1u) << "only the datagram whose checksum holds";
    EXPECT_EQ(got[0].data, (Bytes{'o', 'k'}));
    EXPECT_EQ(got[0].from, Ep("172.16.85.180", 40000));
    EXPECT_EQ(port->DatagramsReceived(), 1u);
    Finish();
    // And tshark agrees which of the two was broken.
    const auto judged = Tshark("internal", "udp.dstport == 3478 && udp.srcport == 40000",
                               {"udp.checksum.status"}, {"-o", "udp.check_checksum:TRUE"});
    ASSERT_EQ(judged.size(), 2u);
    EXPECT_EQ(judged[0], "0") << "bad";
    EXPECT_EQ(judged[1], "1") << "good";
}

// RFC 768: a checksum that computes to zero is sent as all ones (zero means "none"). A
// payload chosen so that the sum comes out so, from a lab port and from an ns-3 socket
// (the path the DNS boxes take): both leave as 0xFFFF, Wireshark finds them good, and
// the receiving port takes them.
TEST_F(UdpPortIndexTest, AChecksumThatComputesToZeroIsSentAsAllOnes) {
    const Endpoint from = Ep("172.16.85.180", 40000), to = Ep("172.16.85.168", 3478);
    // The one's-complement sum of the pseudo-header and the datagram with the last
    // payload word zero; that word set to its complement makes the sum 0xFFFF.
    Bytes payload = {'z', 'e', 'r', 'o', 0, 0};
    const std::uint16_t length = static_cast<std::uint16_t>(8 + payload.size());
    std::uint32_t sum = (from.address.V4Value() >> 16) + (from.address.V4Value() & 0xffff) +
                        (to.address.V4Value() >> 16) + (to.address.V4Value() & 0xffff) + 17 +
                        length + from.port + to.port + length;
    for (std::size_t i = 0; i < payload.size(); i += 2)
        sum += static_cast<std::uint32_t>(payload[i] << 8 | payload[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    PutU16(payload, payload.size() - 2, static_cast<std::uint16_t>(~sum));

    std::vector<Got> got;
    auto port = BindOrFail(Node("vcse"), to, &got);
    auto lab = BindOrFail(Node("cms"), from, nullptr);
    ASSERT_TRUE(port && lab);
    EXPECT_TRUE(lab->SendTo(to, payload));
    m_world->RunFor(1);
    lab.reset();
    ns3::Ptr<ns3::Socket> plain =
        ns3::Socket::CreateSocket(Node("cms"), ns3::UdpSocketFactory::GetTypeId());
    ASSERT_EQ(plain->Bind(ns3::InetSocketAddress(ns3::Ipv4Address("172.16.85.180"), 40000)), 0);
    plain->SendTo(
        ns3::Create<ns3::Packet>(payload.data(), static_cast<std::uint32_t>(payload.size())), 0,
        ns3::InetSocketAddress(ns3::Ipv4Address("172.16.85.168"), 3478));
    m_world->RunFor(1);
    plain->Close();
    ASSERT_EQ(got.size(), 2u) << "both taken by the port: the checksum holds";
    EXPECT_EQ(got[0].data, payload);
    Finish();
    const auto seen =
        Tshark("internal", "udp.srcport == 40000 && udp.dstport == 3478",
               {"udp.checksum", "udp.checksum.status"}, {"-o", "udp.check_checksum:TRUE"});
    EXPECT_EQ(seen, (std::vector<std::string>{"0xffff|1", "0xffff|1"}));
}

} // namespace
} // namespace cmslab::devices::net::test
