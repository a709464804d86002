#include "datagram_builder.h"
#include "ipv4_datagram.h"
#include "nat_firewall_engine.h"
#include "support/values.h"

#include <gtest/gtest.h>

namespace cmslab::devices {
namespace {

void Put16(Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}
std::uint16_t Get16(const Bytes& b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

using test::Addr;
using test::ChecksumsValid;
using test::DestinationOf;
using test::MakeIcmpEcho;
using test::MakeIcmpError;
using test::MakeTcp;
using test::MakeUdp;
using test::SourceOf;

using cmslab::testkit::Ip;

FirewallRule Inbound(RuleProtocol protocol, std::uint16_t low, std::uint16_t high,
                     const char* comment) {
    FirewallRule r;
    r.direction = FlowDirection::Inbound;
    r.protocol = protocol;
    r.destination = Ip("10.88.246.156");
    r.port_low = low;
    r.port_high = high;
    r.comment = comment;
    return r;
}

// The reference deployment's edge firewall (deployment.md section 3).
NatFirewallConfig ReferenceConfig() {
    NatFirewallConfig c;
    c.mappings.push_back({Ip("192.168.245.61"), Ip("10.88.246.156")});
    c.rules.push_back(Inbound(RuleProtocol::Tcp, 443, 443, "WebRTC web client over HTTPS"));
    c.rules.push_back(Inbound(RuleProtocol::Tcp, 3478, 3478, "TURN over TCP"));
    c.rules.push_back(Inbound(RuleProtocol::Udp, 3478, 3478, "TURN requests"));
    c.rules.push_back(Inbound(RuleProtocol::Udp, 24000, 29999, "TURN relays and media"));
    return c;
}

TEST(NatEngine, InboundAllowedFlowIsTranslatedWithValidChecksums) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes syn = MakeTcp("172.16.84.124", 49152, "10.88.246.156", 443);
    NatVerdict v = nat.Process(syn, NatPath::Inbound);
    ASSERT_TRUE(v.forward);
    EXPECT_EQ(DestinationOf(syn), Addr("192.168.245.61"));
    EXPECT_EQ(SourceOf(syn), Addr("172.16.84.124"));
    EXPECT_TRUE(ChecksumsValid(syn));
    EXPECT_EQ(v.log, "accepted inbound TCP 172.16.84.124:49152 -> 10.88.246.156:443 (rule 1 "
                     "\"WebRTC web client over HTTPS\"), to 192.168.245.61");
    EXPECT_EQ(nat.Counters().translated_inbound, 1u);
    EXPECT_EQ(nat.RuleHits()[0], 1u);

    // The reply leaves with the public address as its source.
    Bytes syn_ack = MakeTcp("192.168.245.61", 443, "172.16.84.124", 49152, 0x12);
    v = nat.Process(syn_ack, NatPath::Outbound);
    ASSERT_TRUE(v.forward);
    EXPECT_EQ(SourceOf(syn_ack), Addr("10.88.246.156"));
    EXPECT_TRUE(ChecksumsValid(syn_ack));
    EXPECT_TRUE(v.log.empty());

    // Later packets of the flow are established: no new rule hit, no log.
    Bytes ack = MakeTcp("172.16.84.124", 49152, "10.88.246.156", 443, 0x10, 100);
    v = nat.Process(ack, NatPath::Inbound);
    EXPECT_TRUE(v.forward);
    EXPECT_TRUE(v.log.empty());
    EXPECT_TRUE(ChecksumsValid(ack));
    EXPECT_EQ(nat.RuleHits()[0], 1u);
    EXPECT_EQ(nat.Counters().translated_inbound, 2u);
    EXPECT_EQ(nat.Counters().translated_outbound, 1u);
}

TEST(NatEngine, ClosedPortsAreDroppedAndLoggedOncePerFlow) {
    NatFirewallEngine nat(ReferenceConfig());
    std::vector<std::string> logs;
    for (std::uint16_t port : {445, 22, 7001, 2222}) {
        for (int attempt = 0; attempt < 3; ++attempt) { // the client retransmits its SYN
            Bytes syn = MakeTcp("172.16.84.124", 49152, "10.88.246.156", port);
            NatVerdict v = nat.Process(syn, NatPath::Inbound);
            EXPECT_FALSE(v.forward) << port;
            if (!v.log.empty())
                logs.push_back(v.log);
        }
    }
    ASSERT_EQ(logs.size(), 4u);
    EXPECT_EQ(logs[0], "dropped inbound TCP 172.16.84.124:49152 -> 10.88.246.156:445 (no rule "
                       "matches; default deny)");
    EXPECT_EQ(logs[3], "dropped inbound TCP 172.16.84.124:49152 -> 10.88.246.156:2222 (no rule "
                       "matches; default deny)");
    EXPECT_EQ(nat.Counters().dropped_inbound, 12u);
    EXPECT_EQ(nat.Counters().dropped_flows, 4u);
    EXPECT_EQ(nat.Counters().translated_inbound, 0u);
}

TEST(NatEngine, RulePortRangesAndProtocols) {
    NatFirewallEngine nat(ReferenceConfig());
    auto passes = [&](Bytes d) { return nat.Process(d, NatPath::Inbound).forward; };
    EXPECT_TRUE(passes(MakeUdp("172.16.84.124", 50000, "10.88.246.156", 3478)));
    EXPECT_TRUE(passes(MakeTcp("172.16.84.124", 50001, "10.88.246.156", 3478)));
    EXPECT_TRUE(passes(MakeUdp("172.16.84.124", 50002, "10.88.246.156", 25000)));
    EXPECT_TRUE(passes(MakeUdp("172.16.84.124", 50003, "10.88.246.156", 24000)));
    EXPECT_TRUE(passes(MakeUdp("172.16.84.124", 50004, "10.88.246.156", 29999)));
    EXPECT_FALSE(passes(MakeUdp("172.16.84.124", 50005, "10.88.246.156", 23999)));
    EXPECT_FALSE(passes(MakeUdp("172.16.84.124", 50006, "10.88.246.156", 30000)));
    EXPECT_FALSE(passes(MakeTcp("172.16.84.124", 50007, "10.88.246.156", 25000)));
    EXPECT_FALSE(passes(MakeUdp("172.16.84.124", 50008, "10.88.246.156", 443)));
    // The rules name the public address: the firewall's own is not covered.
    EXPECT_FALSE(passes(MakeTcp("172.16.84.124", 50009, "10.88.246.1", 443)));
    EXPECT_EQ(nat.RuleHits(), (std::vector<std::uint64_t>{0, 1, 1, 3}));
}

TEST(NatEngine, OutboundFlowLetsItsRepliesBackInButNothingElse) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes query = MakeUdp("192.168.245.61", 40000, "10.88.246.210", 53);
    ASSERT_TRUE(nat.Process(query, NatPath::Outbound).forward);
    EXPECT_EQ(SourceOf(query), Addr("10.88.246.156"));
    EXPECT_TRUE(ChecksumsValid(query));

    Bytes answer = MakeUdp("10.88.246.210", 53, "10.88.246.156", 40000, 60);
    ASSERT_TRUE(nat.Process(answer, NatPath::Inbound).forward);
    EXPECT_EQ(DestinationOf(answer), Addr("192.168.245.61"));
    EXPECT_TRUE(ChecksumsValid(answer));

    Bytes other_port = MakeUdp("10.88.246.210", 54, "10.88.246.156", 40000);
    NatVerdict v = nat.Process(other_port, NatPath::Inbound);
    EXPECT_FALSE(v.forward);
    EXPECT_EQ(v.log, "dropped inbound UDP 10.88.246.210:54 -> 10.88.246.156:40000 (no rule "
                     "matches; default deny)");
}

TEST(NatEngine, StatelessFirewallJudgesRepliesByTheRulesAlone) {
    NatFirewallConfig c = ReferenceConfig();
    c.stateful = false;
    NatFirewallEngine nat(c);
    Bytes query = MakeUdp("192.168.245.61", 40000, "10.88.246.210", 53);
    ASSERT_TRUE(nat.Process(query, NatPath::Outbound).forward);
    Bytes answer = MakeUdp("10.88.246.210", 53, "10.88.246.156", 40000, 60);
    EXPECT_FALSE(nat.Process(answer, NatPath::Inbound).forward);
    // Traffic a rule admits still passes both ways (outbound by the default).
    Bytes syn = MakeTcp("172.16.84.124", 49152, "10.88.246.156", 443);
    EXPECT_TRUE(nat.Process(syn, NatPath::Inbound).forward);
    Bytes syn_ack = MakeTcp("192.168.245.61", 443, "172.16.84.124", 49152, 0x12);
    EXPECT_TRUE(nat.Process(syn_ack, NatPath::Outbound).forward);
    EXPECT_EQ(nat.TrackedFlows(), 0u);
    EXPECT_EQ(nat.Status()["firewall"]["stateful"], false);
}

TEST(NatEngine, ZeroUdpChecksumStaysZero) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes d = MakeUdp("172.16.84.124", 50000, "10.88.246.156", 3478, 20, false);
    ASSERT_TRUE(nat.Process(d, NatPath::Inbound).forward);
    EXPECT_EQ(d[20 + 6], 0);
    EXPECT_EQ(d[20 + 7], 0);
    EXPECT_TRUE(ChecksumsValid(d));
}

// A checksum that computes to zero, written as 0 instead of 0xFFFF (ns-3's UDP does, once
// in 65536 datagrams), is a checksum, not "none": translated, the datagram carries a valid
// checksum (0xFFFF if it computes to zero again), where leaving it zero made ns-3's
// receiver drop it as corrupt (found by a 200-guest crowd: one media packet of 50,000).
TEST(NatEngine, ComputedZeroUdpChecksumIsTranslatedAsAChecksum) {
    NatFirewallEngine nat(ReferenceConfig());
    // Outbound from the Expressway-E's inside address: its source is translated.
    Bytes d = MakeUdp("192.168.245.61", 3478, "172.16.84.124", 49484, 20, false);
    Bytes udp(d.begin() + 20, d.end());
    // The last payload word makes the datagram's sum 0xFFFF, so its checksum computes to 0.
    Put16(d, d.size() - 2, 0);
    udp.assign(d.begin() + 20, d.end());
    const std::uint16_t partial =
        test::TransportChecksum(Addr("192.168.245.61"), Addr("172.16.84.124"), 17, udp);
    Put16(d, d.size() - 2, partial);
    udp.assign(d.begin() + 20, d.end());
    ASSERT_EQ(test::TransportChecksum(Addr("192.168.245.61"), Addr("172.16.84.124"), 17, udp), 0);
    ASSERT_EQ(Get16(d, 20 + 6), 0); // as ns-3 writes it

    // Tracked first, so the outbound packet is a reply.
    Bytes in = MakeUdp("172.16.84.124", 49484, "10.88.246.156", 3478);
    ASSERT_TRUE(nat.Process(in, NatPath::Inbound).forward);
    ASSERT_TRUE(nat.Process(d, NatPath::Outbound).forward);
    EXPECT_EQ(SourceOf(d), Addr("10.88.246.156"));
    EXPECT_NE(Get16(d, 20 + 6), 0);
    EXPECT_TRUE(ChecksumsValid(d));
}

TEST(NatEngine, HairpinTranslatesDestinationAndMappedSources) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes from_cms = MakeUdp("172.16.85.180", 41000, "10.88.246.156", 3478);
    ASSERT_TRUE(nat.Process(from_cms, NatPath::Hairpin).forward);
    EXPECT_EQ(DestinationOf(from_cms), Addr("192.168.245.61"));
    EXPECT_EQ(SourceOf(from_cms), Addr("172.16.85.180"));
    EXPECT_TRUE(ChecksumsValid(from_cms));

    // Relay to relay on the same box: both ends see the public address.
    Bytes relay = MakeUdp("192.168.245.61", 24002, "10.88.246.156", 24004);
    ASSERT_TRUE(nat.Process(relay, NatPath::Hairpin).forward);
    EXPECT_EQ(SourceOf(relay), Addr("10.88.246.156"));
    EXPECT_EQ(DestinationOf(relay), Addr("192.168.245.61"));
    EXPECT_TRUE(ChecksumsValid(relay));
    EXPECT_EQ(nat.Counters().reflected, 2u);
}

TEST(NatEngine, HairpinDroppedWhenReflectionIsOff) {
    NatFirewallConfig c = ReferenceConfig();
    c.reflection = false;
    NatFirewallEngine nat(c);
    Bytes d = MakeUdp("172.16.85.180", 41000, "10.88.246.156", 3478);
    NatVerdict v = nat.Process(d, NatPath::Hairpin);
    EXPECT_FALSE(v.forward);
    EXPECT_EQ(v.log,
              "dropped UDP 172.16.85.180:41000 -> 10.88.246.156:3478 (NAT reflection is off)");
}

TEST(NatEngine, IcmpEchoIsFilteredAndTracked) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes ping = MakeIcmpEcho("172.16.84.124", "10.88.246.156", 8, 7);
    NatVerdict v = nat.Process(ping, NatPath::Inbound);
    EXPECT_FALSE(v.forward);
    EXPECT_EQ(v.log, "dropped inbound ICMP echo request 172.16.84.124 -> 10.88.246.156 (no rule "
                     "matches; default deny)");

    Bytes out = MakeIcmpEcho("192.168.245.61", "10.88.246.210", 8, 9);
    ASSERT_TRUE(nat.Process(out, NatPath::Outbound).forward);
    EXPECT_EQ(SourceOf(out), Addr("10.88.246.156"));
    EXPECT_TRUE(ChecksumsValid(out));
    Bytes reply = MakeIcmpEcho("10.88.246.210", "10.88.246.156", 0, 9);
    ASSERT_TRUE(nat.Process(reply, NatPath::Inbound).forward);
    EXPECT_EQ(DestinationOf(reply), Addr("192.168.245.61"));
    EXPECT_TRUE(ChecksumsValid(reply));
    Bytes wrong_id = MakeIcmpEcho("10.88.246.210", "10.88.246.156", 0, 10);
    EXPECT_FALSE(nat.Process(wrong_id, NatPath::Inbound).forward);
}

TEST(NatEngine, IcmpErrorAboutATrackedFlowIsTranslatedInside) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes probe = MakeUdp("192.168.245.61", 40000, "10.88.246.210", 9999);
    ASSERT_TRUE(nat.Process(probe, NatPath::Outbound).forward);
    Bytes unreachable = MakeIcmpError("10.88.246.210", "10.88.246.156", 3, 3, probe);
    ASSERT_TRUE(ChecksumsValid(unreachable));
    ASSERT_TRUE(nat.Process(unreachable, NatPath::Inbound).forward);
    EXPECT_EQ(DestinationOf(unreachable), Addr("192.168.245.61"));
    auto d = ParseIpv4(unreachable);
    ASSERT_TRUE(d && d->has_quote);
    EXPECT_EQ(d->quote_source, Addr("192.168.245.61"));
    EXPECT_EQ(d->quote_destination_port, 9999);
    EXPECT_TRUE(ChecksumsValid(unreachable));

    // Unrelated errors stay out.
    Bytes stray = MakeIcmpError("10.88.246.210", "10.88.246.156", 3, 3,
                                MakeUdp("10.88.246.156", 1, "10.88.246.210", 2));
    EXPECT_FALSE(nat.Process(stray, NatPath::Inbound).forward);
}

TEST(NatEngine, FragmentsFollowTheirFirstFragment) {
    NatFirewallEngine nat(ReferenceConfig());
    const Bytes whole = MakeUdp("172.16.84.124", 50000, "10.88.246.156", 3478, 200);
    auto [first, second] = test::Fragment(whole, 96);
    ASSERT_TRUE(nat.Process(first, NatPath::Inbound).forward);
    ASSERT_TRUE(nat.Process(second, NatPath::Inbound).forward);
    EXPECT_EQ(DestinationOf(first), Addr("192.168.245.61"));
    EXPECT_EQ(DestinationOf(second), Addr("192.168.245.61"));
    // Reassembled, the UDP checksum holds for the new addresses.
    Bytes reassembled = whole;
    std::copy(first.begin() + 12, first.begin() + 20, reassembled.begin() + 12);
    std::copy(first.begin() + 20, first.end(), reassembled.begin() + 20);
    reassembled[10] = reassembled[11] = 0;
    const std::uint16_t hsum = InternetChecksum(ByteView(reassembled.data(), 20));
    reassembled[10] = static_cast<std::uint8_t>(hsum >> 8);
    reassembled[11] = static_cast<std::uint8_t>(hsum);
    EXPECT_TRUE(ChecksumsValid(reassembled));
    EXPECT_TRUE(ChecksumsValid(first));
    EXPECT_TRUE(ChecksumsValid(second));

    auto [blocked_first, blocked_second] =
        test::Fragment(MakeUdp("172.16.84.124", 50001, "10.88.246.156", 445, 200), 96);
    EXPECT_FALSE(nat.Process(blocked_first, NatPath::Inbound).forward);
    EXPECT_FALSE(nat.Process(blocked_second, NatPath::Inbound).forward);

    Bytes orphan = second; // its first fragment's plan is gone with the last fragment
    EXPECT_FALSE(nat.Process(orphan, NatPath::Inbound).forward);
    EXPECT_GE(nat.Counters().malformed, 1u);
}

TEST(NatEngine, OutboundDefaultDenyUsesOutboundRules) {
    NatFirewallConfig c = ReferenceConfig();
    c.allow_outbound_default = false;
    FirewallRule dns;
    dns.direction = FlowDirection::Outbound;
    dns.protocol = RuleProtocol::Udp;
    dns.port_low = dns.port_high = 53;
    c.rules.push_back(dns);
    NatFirewallEngine nat(c);
    Bytes query = MakeUdp("192.168.245.61", 40000, "10.88.246.210", 53);
    EXPECT_TRUE(nat.Process(query, NatPath::Outbound).forward);
    Bytes web = MakeTcp("192.168.245.61", 40001, "10.88.246.210", 80);
    NatVerdict v = nat.Process(web, NatPath::Outbound);
    EXPECT_FALSE(v.forward);
    EXPECT_EQ(v.log, "dropped outbound TCP 10.88.246.156:40001 -> 10.88.246.210:80 (no rule "
                     "matches; default deny)");
    // The reply of an admitted inbound flow still leaves.
    Bytes syn = MakeTcp("172.16.84.124", 49152, "10.88.246.156", 443);
    ASSERT_TRUE(nat.Process(syn, NatPath::Inbound).forward);
    Bytes syn_ack = MakeTcp("192.168.245.61", 443, "172.16.84.124", 49152, 0x12);
    EXPECT_TRUE(nat.Process(syn_ack, NatPath::Outbound).forward);
    EXPECT_EQ(nat.Counters().dropped_outbound, 1u);
}

TEST(NatEngine, MalformedDatagramsAreDroppedAndCounted) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes short_tcp = MakeTcp("172.16.84.124", 49152, "10.88.246.156", 443);
    short_tcp.resize(30);
    short_tcp[2] = 0;
    short_tcp[3] = 30;
    EXPECT_FALSE(nat.Process(short_tcp, NatPath::Inbound).forward);
    Bytes not_ip = {0x60, 0, 0, 0};
    EXPECT_FALSE(nat.Process(not_ip, NatPath::Inbound).forward);
    EXPECT_EQ(nat.Counters().malformed, 2u);
}

TEST(NatEngine, StatusReportsRulesAndCounters) {
    NatFirewallEngine nat(ReferenceConfig());
    Bytes syn = MakeTcp("172.16.84.124", 49152, "10.88.246.156", 443);
    nat.Process(syn, NatPath::Inbound);
    Bytes blocked = MakeTcp("172.16.84.124", 49153, "10.88.246.156", 22);
    nat.Process(blocked, NatPath::Inbound);
    const nlohmann::json s = nat.Status();
    EXPECT_EQ(s["nat"]["mappings"][0]["outside"], "10.88.246.156");
    EXPECT_EQ(s["nat"]["translated_inbound"], 1);
    EXPECT_EQ(s["firewall"]["dropped_inbound"], 1);
    EXPECT_EQ(s["firewall"]["dropped_flows"], 1);
    EXPECT_EQ(s["firewall"]["default_inbound"], "deny");
    EXPECT_EQ(s["firewall"]["rules"][0]["hits"], 1);
    EXPECT_EQ(s["firewall"]["rules"][3]["ports"], "24000-29999");
    EXPECT_EQ(s["firewall"]["rules"][2]["protocol"], "udp");
}

} // namespace
} // namespace cmslab::devices
