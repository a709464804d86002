// Candidates, their priorities and SDP text (RFC 8445 5.1, RFC 8839 5.1), credentials.
#include "ice/candidate.h"
#include "ice/credentials.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::ice;

TEST(IceCandidate, PrioritiesFollowRfc8445) {
    EXPECT_EQ(CandidatePriority(CandidateType::Host, 65535), 2130706431u);
    EXPECT_EQ(CandidatePriority(CandidateType::ServerReflexive, 65535), 1694498815u);
    EXPECT_EQ(CandidatePriority(CandidateType::PeerReflexive, 65535), 1862270975u);
    EXPECT_EQ(CandidatePriority(CandidateType::Relayed, 65535), 16777215u);
    EXPECT_EQ(CandidatePriority(CandidateType::Host, 0, 2), (126u << 24) + 254u);
    EXPECT_GT(CandidatePriority(CandidateType::Host, 0),
              CandidatePriority(CandidateType::PeerReflexive, 65535));
}

TEST(IceCandidate, EncodesTheRelayExampleAndDecodesItBack) {
    Candidate c;
    c.foundation = "1";
    c.priority = 16777215;
    c.address = Endpoint{*IpAddress::Parse("10.0.0.1"), 24001};
    c.type = CandidateType::Relayed;
    c.related = Endpoint{*IpAddress::Parse("192.0.2.1"), 5000};
    const std::string text = EncodeCandidate(c);
    EXPECT_EQ(text,
              "candidate:1 1 udp 16777215 10.0.0.1 24001 typ relay raddr 192.0.2.1 rport 5000");
    auto back = DecodeCandidate("a=" + text + "\r\n");
    ASSERT_TRUE(back.Ok()) << back.Message();
    EXPECT_EQ(*back, c);
}

TEST(IceCandidate, DecodesWhatBrowsersWrite) {
    auto c = DecodeCandidate("candidate:842163049 1 udp 1677729535 198.51.100.10 50000 typ srflx "
                             "raddr 0.0.0.0 rport 0 generation 0 ufrag sXyz network-cost 999");
    ASSERT_TRUE(c.Ok()) << c.Message();
    EXPECT_EQ(c->foundation, "842163049");
    EXPECT_EQ(c->type, CandidateType::ServerReflexive);
    EXPECT_EQ(c->priority, 1677729535u);
    EXPECT_EQ(c->address.ToString(), "198.51.100.10:50000");
    ASSERT_TRUE(c->related.has_value());
    EXPECT_EQ(c->related->port, 0);
    ASSERT_EQ(c->extensions.size(), 3u);
    EXPECT_EQ(c->extensions[1], (std::pair<std::string, std::string>{"ufrag", "sXyz"}));
    // Re-encoding keeps the extensions in order.
    EXPECT_EQ(EncodeCandidate(*c), "candidate:842163049 1 udp 1677729535 198.51.100.10 50000 "
                                   "typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sXyz "
                                   "network-cost 999");
    auto v6 = DecodeCandidate("candidate:3 1 UDP 2122260223 2001:db8::5 61665 typ host");
    ASSERT_TRUE(v6.Ok()) << v6.Message();
    EXPECT_FALSE(v6->address.address.IsV4());
    EXPECT_TRUE(v6->IsUdp());
    auto tcp = DecodeCandidate("candidate:4 1 tcp 1518280447 192.0.2.3 9 typ host tcptype active");
    ASSERT_TRUE(tcp.Ok());
    EXPECT_FALSE(tcp->IsUdp());
}

TEST(IceCandidate, RefusesWhatTheGrammarDoesNotAllow) {
    const char* bad[] = {
        "",
        "candidate:",
        "candidate:1 1 udp 1 10.0.0.1 5000 typ",                      // no type
        "candidate:1 1 udp 1 10.0.0.1 5000 type host",                // not "typ"
        "candidate:1 0 udp 1 10.0.0.1 5000 typ host",                 // component 0
        "candidate:1 257 udp 1 10.0.0.1 5000 typ host",               // component 257
        "candidate:1 1 udp 0 10.0.0.1 5000 typ host",                 // priority 0
        "candidate:1 1 udp 4294967296 10.0.0.1 5000 typ host",        // priority 2^32
        "candidate:1 1 udp 1 10.0.0.1 65536 typ host",                // port
        "candidate:1 1 udp 1 10.0.0.300 5000 typ host",               // address
        "candidate:1 1 udp 1 10.0.0.1 5000 typ bogus",                // type
        "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 10.0.0.2", // raddr without rport
        "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx rport 7",        // rport without raddr
        "candidate:1 1 udp 1 10.0.0.1 5000 typ host generation",      // extension no value
        "candidate:a-b 1 udp 1 10.0.0.1 5000 typ host",               // '-' not an ice-char
        "candidate:123456789012345678901234567890123 1 udp 1 10.0.0.1 5000 typ host",
        "candidate:1  1 udp 1 10.0.0.1 5000 typ host", // double space
        "candidate:1 1 udp 1 10.0.0.1 5000 typ host ", // trailing space
        "foo:1 1 udp 1 10.0.0.1 5000 typ host",
    };
    for (const char* text : bad)
        EXPECT_FALSE(DecodeCandidate(text).Ok()) << text;
    auto mdns = DecodeCandidate(
        "candidate:1 1 udp 2122260223 1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54400 typ host");
    ASSERT_FALSE(mdns.Ok());
    EXPECT_NE(mdns.Message().find("mDNS"), std::string::npos);
}

TEST(IceCandidate, BuildersShareFoundationsAsRfc8445Says) {
    const Endpoint host{*IpAddress::Parse("192.0.2.10"), 5000};
    const Endpoint host2{*IpAddress::Parse("192.0.2.10"), 5002};
    const Endpoint other{*IpAddress::Parse("192.0.2.11"), 5000};
    const IpAddress turn = *IpAddress::Parse("203.0.113.1");
    EXPECT_EQ(MakeHostCandidate(host).foundation, MakeHostCandidate(host2).foundation);
    EXPECT_NE(MakeHostCandidate(host).foundation, MakeHostCandidate(other).foundation);
    const Candidate relay = MakeRelayedCandidate({turn, 24000}, host, turn);
    EXPECT_EQ(relay.priority, 16777215u);
    EXPECT_EQ(relay.related, std::optional<Endpoint>(host));
    EXPECT_NE(relay.foundation, MakeHostCandidate(host).foundation);
    const Candidate srflx = MakeServerReflexiveCandidate({turn, 40000}, host, turn);
    EXPECT_EQ(srflx.type, CandidateType::ServerReflexive);
    EXPECT_TRUE(IsIceChars(relay.foundation));
    EXPECT_TRUE(DecodeCandidate(EncodeCandidate(srflx)).Ok());
}

TEST(IceCredentials, GeneratedFromTheRngAndValid) {
    Rng a(7), b(7), c(8);
    const Credentials ca = GenerateCredentials(a);
    EXPECT_EQ(ca, GenerateCredentials(b)); // same seed, same credentials
    EXPECT_NE(ca, GenerateCredentials(c));
    EXPECT_EQ(ca.ufrag.size(), 4u);
    EXPECT_EQ(ca.pwd.size(), 24u);
    EXPECT_TRUE(ValidCredentials(ca));
    const Credentials shortest = GenerateCredentials(a, 1, 1);
    EXPECT_EQ(shortest.ufrag.size(), 4u);
    EXPECT_EQ(shortest.pwd.size(), 22u);
    EXPECT_FALSE(ValidCredentials({"abc", "0123456789012345678901"}));
    EXPECT_FALSE(ValidCredentials({"abcd", "012345678901234567890"}));
    EXPECT_FALSE(ValidCredentials({"ab:d", "0123456789012345678901"}));
    EXPECT_TRUE(IsIceChars("aZ09+/"));
    EXPECT_FALSE(IsIceChars("a=b"));
}
