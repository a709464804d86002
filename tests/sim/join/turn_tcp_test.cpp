// Issue 14: TURN over TCP (RFC 8656 section 3.1). The reference deployment with the
// firewall's "UDP 3478 inbound" rule removed, a change made here: the guest's Allocate over
// UDP goes unanswered, the browser moves to the ?transport=tcp URL the CMS offered, and
// relays over one TCP connection to Expressway-E; the relay to the CMS stays UDP. The join
// gets media, and the capture shows STUN and ChannelData framed on TCP, dissected cleanly.
#include "join_run.h"

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>

namespace cmslab::jointest {
namespace {

using nlohmann::json;
using testkit::TsharkFields;

// Runs the reference without the firewall's inbound rules for port 3478 of the listed
// protocols; the summary, or null with the run's output.
json RunWithout(const testkit::TempDir& dir, const std::vector<std::string>& protocols,
                std::string& output) {
    std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
    json scenario = json::parse(in);
    scenario["name"] = "turn-blocked";
    json kept = json::array();
    for (const auto& rule : scenario["nat_firewalls"][0]["rules"]) {
        bool drop = false;
        for (const auto& p : protocols)
            drop = drop || (rule["protocol"] == p && rule["port"] == 3478);
        if (!drop)
            kept.push_back(rule);
    }
    if (kept.size() + protocols.size() != scenario["nat_firewalls"][0]["rules"].size()) {
        output = "the reference has not one 3478 rule per protocol to remove";
        return nullptr;
    }
    scenario["nat_firewalls"][0]["rules"] = kept;
    const std::string path = dir.Write("scenario.json", scenario.dump(1));
    const auto r =
        testkit::RunProcess({"timeout", "120", std::string(CMSLAB_BINARY_DIR) + "/cmslab", "run",
                             path, "--out", dir.File("out")},
                            std::chrono::seconds(150));
    output = r.out + r.err;
    std::ifstream summary(dir.File("out/summary.json"));
    if (r.exit_code != 0 || !summary)
        return nullptr;
    return json::parse(summary, nullptr, false);
}

class TurnOverTcp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_dir = new testkit::TempDir("cmslab-turn-tcp");
        s_summary = RunWithout(*s_dir, {"udp"}, s_output);
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(s_summary.is_object()) << s_output; }
    static std::string Out(const std::string& rel) { return s_dir->File("out/" + rel); }
    static json Stage(const std::string& name) {
        return s_summary.value("/stages"_json_pointer, json::object()).value(name, json::object());
    }

    static testkit::TempDir* s_dir;
    static std::string s_output;
    static json s_summary;
};
testkit::TempDir* TurnOverTcp::s_dir = nullptr;
std::string TurnOverTcp::s_output;
json TurnOverTcp::s_summary;

TEST_F(TurnOverTcp, TheGuestRelaysOverTcpAndGetsMedia) {
    for (const char* stage : {"turn", "ice", "dtls", "media"})
        EXPECT_EQ(Stage(stage).value("status", ""), "ok") << stage << ": " << Stage(stage).dump();
    const std::string detail = Stage("turn").value("detail", "");
    EXPECT_NE(detail.find("at 10.88.246.156:3478/tcp"), std::string::npos) << detail;
    EXPECT_NE(detail.find("given up before: 10.88.246.156:3478/udp: no answer after 5 s"),
              std::string::npos)
        << detail;
}

TEST_F(TurnOverTcp, UdpAllocatesDieAtTheFirewallTheTcpOnesAreAnswered) {
    const std::string public_pcap = Out("pcap/public.pcap");
    const auto udp_tries = TsharkFields(
        public_pcap, std::string("udp.dstport==3478 && stun.type==0x0003 && ip.src==") + kGuestPc,
        {"frame.number"});
    EXPECT_GE(udp_tries.size(), 3u) << "the UDP Allocate and its retransmissions";
    const auto dmz_udp =
        TsharkFields(Out("pcap/dmz.pcap"), "udp.port==3478 && stun.type==0x0003", {"ip.src"});
    EXPECT_TRUE(dmz_udp.empty()) << "a UDP Allocate got through the firewall: " << dmz_udp.front();

    std::vector<std::string> seen;
    for (const auto& row :
         TsharkFields(public_pcap, "tcp.port==3478 && stun.type", {"ip.src", "stun.type"})) {
        const auto f = SplitFields(row);
        ASSERT_EQ(f.size(), 2u) << row;
        seen.push_back(f[0] + " " + f[1]);
    }
    ASSERT_GE(seen.size(), 4u);
    // Allocate, 401, Allocate with credentials, success: framed on the TCP stream.
    EXPECT_EQ(seen[0], std::string(kGuestPc) + " 0x0003");
    EXPECT_EQ(seen[1], std::string(kNatAddress) + " 0x0113");
    EXPECT_EQ(seen[2], std::string(kGuestPc) + " 0x0003");
    EXPECT_EQ(seen[3], std::string(kNatAddress) + " 0x0103");
}

TEST_F(TurnOverTcp, MediaTravelsAsChannelDataOnTheStream) {
    const auto frames =
        TsharkFields(Out("pcap/public.pcap"), "tcp.port==3478 && stun.channel", {"stun.channel"});
    // 10 s of 20 ms packets each way, some several to a segment: hundreds of messages.
    EXPECT_GE(frames.size(), 200u);
}

TEST_F(TurnOverTcp, TheDiagnosisCallsTheFallbackNormalNotAFault) {
    const json& d = s_summary["diagnosis"];
    EXPECT_EQ(d.value("verdict", ""), "healthy") << d.dump(1);
    bool noted = false;
    for (const auto& note : d.value("expected", json::array()))
        noted = noted || note.value("text", "").find("gave up TURN at 10.88.246.156:3478/udp") !=
                             std::string::npos;
    EXPECT_TRUE(noted) << d.dump(1);
}

// With TCP 3478 blocked as well nothing is left: the diagnosis names the rule for both.
TEST(TurnBlocked, BothProtocolsDroppedTheDiagnosisNamesBoth) {
    testkit::TempDir dir("cmslab-turn-blocked");
    std::string output;
    const json summary = RunWithout(dir, {"udp", "tcp"}, output);
    ASSERT_TRUE(summary.is_object()) << output;
    EXPECT_EQ(summary["stages"]["turn"].value("status", ""), "failed");
    const json& d = summary["diagnosis"];
    ASSERT_FALSE(d.value("causes", json::array()).empty()) << d.dump(1);
    const json& cause = d["causes"][0];
    EXPECT_EQ(cause.value("cause", ""), "firewall_blocks_turn") << d.dump(1);
    EXPECT_NE(cause.dump().find("TCP and UDP 3478"), std::string::npos) << cause.dump(1);
    const std::string detail = summary["stages"]["turn"].value("detail", "");
    EXPECT_NE(detail.find("3478/tcp"), std::string::npos) << detail;
    EXPECT_NE(detail.find("given up before: 10.88.246.156:3478/udp"), std::string::npos) << detail;
}

TEST_F(TurnOverTcp, CapturesHaveNoExpertWarnings) {
    for (const char* network : {"public", "dmz"}) {
        const std::string warnings =
            testkit::TsharkWarnings(Out(std::string("pcap/") + network + ".pcap"));
        EXPECT_TRUE(warnings.empty()) << network << ":\n" << warnings.substr(0, 4000);
    }
}

} // namespace
} // namespace cmslab::jointest
