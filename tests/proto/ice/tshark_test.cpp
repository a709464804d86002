// tshark as an outside judge of our connectivity checks: the Binding requests, answers
// and 487s two agents exchange, written into a pcap, must dissect as STUN with the
// USERNAME, PRIORITY, ICE-CONTROLLING/CONTROLLED and USE-CANDIDATE we meant, good
// FINGERPRINTs and no expert warnings.
#include "ice_net.h"
#include "support/pcap_writer.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iomanip>
#include <sstream>

using namespace cmslab;
using namespace cmslab::ice;
using namespace cmslab::ice::test;

namespace {

// Both agents' ports decode as STUN; a field that occurs more than once in a frame
// (attribute types) shows every occurrence, comma-separated.
const std::vector<std::string> kDecode{"-d", "udp.port==5000,stun", "-d", "udp.port==6000,stun",
                                       "-E", "occurrence=a",        "-E", "aggregator=,"};

class IceTshark : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(m_dir.Path().empty());
        m_pcap = m_dir.File("ice.pcap");
    }

    testkit::TempDir m_dir{"cmslab-ice-tshark"};
    std::string m_pcap;
};

std::string Hex64(std::uint64_t v) {
    std::ostringstream out;
    out << std::hex << std::setw(16) << std::setfill('0') << v;
    return out.str();
}

} // namespace

TEST_F(IceTshark, ChecksDissectWithTheFieldsWeMeant) {
    // Both start controlling, so the capture holds a 487 as well as checks and answers.
    Net net;
    AgentConfig ca;
    ca.role = Role::Controlling;
    AgentConfig cb = ca;
    IceNode a(net, "a", kHostA, ca, 21);
    IceNode b(net, "b", kHostB, cb, 21);
    a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), net.now);
    b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), net.now);
    ExchangeCredentials(a, b);
    ExchangeCandidates(a, b, net.now);
    StartAgents(a, b, net.now);
    net.RunFor(2s);
    ASSERT_EQ(a.agent.State(), AgentState::Completed);
    ASSERT_EQ(b.agent.State(), AgentState::Completed);
    testkit::PcapWriter pcap;
    for (const Datagram& d : net.log)
        pcap.Add(testkit::Ipv4Udp(d.from, d.to, d.data));
    ASSERT_TRUE(pcap.WriteFile(m_pcap));

    // Columns: 0 src port, 1 class, 2 method, 3 username, 4 priority, 5 attribute types,
    // 6 tie-breaker, 7 error number, 8 reason, 9 crc32 status, 10 ipv4 (XOR-MAPPED).
    const auto rows = testkit::TsharkFields(
        m_pcap, "stun",
        {"udp.srcport", "stun.type.class", "stun.type.method", "stun.att.username",
         "stun.att.priority", "stun.att.type", "stun.att.tie-breaker", "stun.att.error",
         "stun.att.error.reason", "stun.att.crc32.status", "stun.att.ipv4"},
        kDecode);
    ASSERT_EQ(rows.size(), net.log.size()) << testkit::Tshark(m_pcap, kDecode);
    const std::string a_user =
        b.agent.LocalCredentials().ufrag + ":" + a.agent.LocalCredentials().ufrag;
    const std::string b_user =
        a.agent.LocalCredentials().ufrag + ":" + b.agent.LocalCredentials().ufrag;
    int requests = 0, successes = 0, conflicts = 0, nominations = 0;
    for (const std::string& row : rows) {
        const auto r = testkit::SplitFields(row);
        ASSERT_EQ(r.size(), 11u) << row;
        EXPECT_EQ(r[2], "0x0001"); // Binding
        EXPECT_EQ(r[9], "1") << "FINGERPRINT not good";
        const bool from_a = r[0] == "5000";
        if (r[1] == "0x0000") { // request
            ++requests;
            EXPECT_EQ(r[3], from_a ? a_user : b_user);
            EXPECT_EQ(r[4], "1862270975");
            // MESSAGE-INTEGRITY 0x0008 and FINGERPRINT 0x8028 on every check, and one role.
            EXPECT_NE(r[5].find("0x0008"), std::string::npos);
            EXPECT_NE(r[5].find("0x8028"), std::string::npos);
            const bool controlling = r[5].find("0x802a") != std::string::npos;
            const bool controlled = r[5].find("0x8029") != std::string::npos;
            EXPECT_NE(controlling, controlled);
            const std::uint64_t tie = from_a ? a.agent.TieBreaker() : b.agent.TieBreaker();
            std::string shown = r[6];
            shown.erase(std::remove(shown.begin(), shown.end(), ':'), shown.end());
            EXPECT_EQ(shown, Hex64(tie));
            if (r[5].find("0x0025") != std::string::npos) {
                ++nominations;
                EXPECT_TRUE(controlling);
            }
        } else if (r[1] == "0x0010") { // success
            ++successes;
            EXPECT_EQ(r[10], from_a ? "198.51.100.20" : "192.0.2.10");
        } else if (r[1] == "0x0011") { // error
            ++conflicts;
            EXPECT_EQ(r[7], "87");
            EXPECT_EQ(r[8], "Role Conflict");
        }
    }
    EXPECT_GE(requests, 3);
    EXPECT_GE(successes, 2);
    EXPECT_GE(conflicts, 1);
    EXPECT_GE(nominations, 1);
    auto judged = kDecode;
    judged.insert(judged.end(), {"-Y", "_ws.expert.severity >= warning || stun.att.crc32.bad"});
    EXPECT_EQ(testkit::Tshark(m_pcap, judged), "");
}

TEST_F(IceTshark, TheJudgeNoticesABrokenFingerprint) {
    Agent agent(AgentConfig{}, Rng(1));
    agent.AddLocalCandidate(MakeHostCandidate(kHostA), Instant{});
    agent.AddRemoteCandidate(MakeHostCandidate(kHostB), Instant{});
    agent.SetRemoteCredentials({"abcd", "0123456789012345678901"});
    agent.Start(Instant{});
    agent.HandleTimeout(Instant{});
    auto t = agent.PollTransmit();
    ASSERT_TRUE(t.has_value());
    t->data.back() ^= 1;
    testkit::PcapWriter pcap;
    pcap.Add(testkit::Ipv4Udp(t->local, t->to, t->data));
    ASSERT_TRUE(pcap.WriteFile(m_pcap));
    EXPECT_EQ(testkit::TsharkFields(m_pcap, "stun", {"stun.att.crc32.status"}, kDecode),
              std::vector<std::string>{"0"});
}
