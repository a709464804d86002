// tshark as an outside judge of our connectivity checks: the Binding requests, answers
// and 487s two agents exchange, written into a pcap, must dissect as STUN with the
// USERNAME, PRIORITY, ICE-CONTROLLING/CONTROLLED and USE-CANDIDATE we meant, good
// FINGERPRINTs and no expert warnings.
#include "ice_net.h"
#include "pcap_writer.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <unistd.h>

using namespace cmslab;
using namespace cmslab::ice;
using namespace cmslab::ice::test;

namespace {

const Endpoint kHostA = Ep("192.0.2.10", 5000);
const Endpoint kHostB = Ep("198.51.100.20", 6000);

std::string RunCommand(const std::string& command) {
    std::string out;
    std::FILE* p = ::popen(("timeout 60 " + command).c_str(), "r");
    if (!p)
        return out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    ::pclose(p);
    return out;
}

std::vector<std::vector<std::string>> Rows(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cols;
        std::istringstream l(line);
        for (std::string c; std::getline(l, c, '\t');)
            cols.push_back(c);
        rows.push_back(cols);
    }
    return rows;
}

class IceTshark : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(std::system("command -v tshark >/dev/null 2>&1"), 0)
            << "tshark is not installed (Debian package tshark; tools/setup installs it)";
        char tmpl[] = "/tmp/cmslab-ice-tshark-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
        m_pcap = m_dir + "/ice.pcap";
    }
    void TearDown() override {
        if (!m_dir.empty() && !std::getenv("CMSLAB_KEEP_TMP"))
            std::system(("rm -rf '" + m_dir + "'").c_str());
    }
    std::string Tshark(const std::string& args) {
        return RunCommand("env HOME='" + m_dir + "' tshark -n -r '" + m_pcap +
                          "' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "
                          "-d udp.port==5000,stun -d udp.port==6000,stun " +
                          args + " 2>/dev/null");
    }
    std::string m_dir;
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
    a.agent.Start(net.now);
    b.agent.Start(net.now);
    a.Pump();
    b.Pump();
    net.RunFor(2s);
    ASSERT_EQ(a.agent.State(), AgentState::Completed);
    ASSERT_EQ(b.agent.State(), AgentState::Completed);
    {
        PcapWriter pcap(m_pcap);
        ASSERT_TRUE(pcap.Ok());
        for (const Datagram& d : net.log)
            pcap.AddUdp(d.from, d.to, d.data);
    }

    // Columns: 0 src port, 1 class, 2 method, 3 username, 4 priority, 5 attribute types,
    // 6 tie-breaker, 7 error number, 8 reason, 9 crc32 status, 10 ipv4 (XOR-MAPPED).
    const auto rows = Rows(Tshark(
        "-T fields -E separator=/t -E occurrence=a -E aggregator=, -e udp.srcport "
        "-e stun.type.class -e stun.type.method -e stun.att.username -e stun.att.priority "
        "-e stun.att.type -e stun.att.tie-breaker -e stun.att.error -e stun.att.error.reason "
        "-e stun.att.crc32.status -e stun.att.ipv4"));
    ASSERT_EQ(rows.size(), net.log.size()) << Tshark("");
    const std::string a_user =
        b.agent.LocalCredentials().ufrag + ":" + a.agent.LocalCredentials().ufrag;
    const std::string b_user =
        a.agent.LocalCredentials().ufrag + ":" + b.agent.LocalCredentials().ufrag;
    int requests = 0, successes = 0, conflicts = 0, nominations = 0;
    for (const auto& r : rows) {
        ASSERT_GE(r.size(), 10u);
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
    EXPECT_EQ(Tshark("-Y '_ws.expert.severity >= warning || stun.att.crc32.bad'"), "");
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
    {
        PcapWriter pcap(m_pcap);
        pcap.AddUdp(t->local, t->to, t->data);
    }
    EXPECT_EQ(Tshark("-T fields -e stun.att.crc32.status"), "0\n");
}
