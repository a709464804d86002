// Candidates between the signaling's JSON shape and the ICE agent's, both ways, and the
// candidate types' names on the wire.
#include "webapp/ice_candidates.h"

#include <gtest/gtest.h>

namespace cmslab::webapp {
namespace {

Endpoint Ep(const char* address, std::uint16_t port) {
    return Endpoint{*IpAddress::Parse(address), port};
}

CandidateMessage RelayMessage() {
    CandidateMessage m;
    m.foundation = "7";
    m.priority = 16777215;
    m.address = "10.88.246.156";
    m.port = 24002;
    m.type = ice::CandidateType::Relayed;
    m.related_address = "172.16.85.180";
    m.related_port = 41574;
    return m;
}

TEST(IceCandidates, RelayMessageBecomesARelayedCandidate) {
    const auto c = ToIceCandidate(RelayMessage());
    ASSERT_TRUE(c);
    EXPECT_EQ(c->type, ice::CandidateType::Relayed);
    EXPECT_EQ(c->address, Ep("10.88.246.156", 24002));
    EXPECT_EQ(c->related, Ep("172.16.85.180", 41574));
    EXPECT_EQ(c->priority, 16777215u);
    EXPECT_EQ(c->foundation, "7");
    // The same candidate written as RFC 8839 SDP text, the form an ICE agent logs.
    EXPECT_EQ(ice::EncodeCandidate(*c), "candidate:7 1 udp 16777215 10.88.246.156 24002 typ "
                                        "relay raddr 172.16.85.180 rport 41574");
}

TEST(IceCandidates, UnusableMessagesAreRefused) {
    CandidateMessage m = RelayMessage();
    m.address = "cmsweb.example.com"; // names (mDNS and the like) are not candidates here
    EXPECT_FALSE(ToIceCandidate(m));
    m = RelayMessage();
    m.component = 0;
    EXPECT_FALSE(ToIceCandidate(m));
    m.component = 257;
    EXPECT_FALSE(ToIceCandidate(m));
}

TEST(IceCandidates, RoundTripKeepsEveryField) {
    for (ice::CandidateType type :
         {ice::CandidateType::Host, ice::CandidateType::ServerReflexive,
          ice::CandidateType::PeerReflexive, ice::CandidateType::Relayed}) {
        CandidateMessage m = RelayMessage();
        m.type = type;
        m.component = 2;
        m.transport = "tcp";
        const auto c = ToIceCandidate(m);
        ASSERT_TRUE(c);
        const CandidateMessage back = ToCandidateMessage(*c);
        EXPECT_EQ(back.foundation, m.foundation);
        EXPECT_EQ(back.component, 2);
        EXPECT_EQ(back.transport, "tcp");
        EXPECT_EQ(back.priority, m.priority);
        EXPECT_EQ(back.address, m.address);
        EXPECT_EQ(back.port, m.port);
        EXPECT_EQ(back.type, type);
        EXPECT_EQ(back.related_address, m.related_address);
        EXPECT_EQ(back.related_port, m.related_port);
    }
    CandidateMessage host = RelayMessage();
    host.type = ice::CandidateType::Host;
    host.related_address.reset();
    host.related_port.reset();
    const CandidateMessage back = ToCandidateMessage(*ToIceCandidate(host));
    EXPECT_FALSE(back.related_address);
    EXPECT_FALSE(back.related_port);
}

// The signaling message carries the ICE agent's type; its text is the protocol and must
// not follow the enumerators' names (ICE's "Relayed" is "relay" on the wire).
TEST(IceCandidates, TypesKeepTheirWireNames) {
    CandidateMessage m = RelayMessage();
    EXPECT_EQ(EncodeSignaling(m),
              "{\"address\":\"10.88.246.156\",\"candidateType\":\"relay\",\"component\":1,"
              "\"foundation\":\"7\",\"port\":24002,\"priority\":16777215,"
              "\"relatedAddress\":\"172.16.85.180\",\"relatedPort\":41574,\"transport\":"
              "\"udp\",\"type\":\"candidate\"}");
    const std::pair<ice::CandidateType, std::string> names[] = {
        {ice::CandidateType::Host, "host"},
        {ice::CandidateType::ServerReflexive, "srflx"},
        {ice::CandidateType::PeerReflexive, "prflx"},
        {ice::CandidateType::Relayed, "relay"},
    };
    for (const auto& [type, name] : names) {
        m.type = type;
        const std::string text = EncodeSignaling(m);
        EXPECT_NE(text.find("\"candidateType\":\"" + name + "\""), std::string::npos) << text;
        const auto back = DecodeSignaling(text);
        ASSERT_TRUE(back) << back.Message();
        EXPECT_EQ(std::get<CandidateMessage>(*back).type, type) << name;
    }
    std::string relayed = EncodeSignaling(RelayMessage());
    relayed.replace(relayed.find("\"relay\""), 7, "\"relayed\"");
    EXPECT_FALSE(DecodeSignaling(relayed)) << relayed;
}

} // namespace
} // namespace cmslab::webapp
