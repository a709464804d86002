// Issue 14: TURN over TCP (RFC 8656 section 3.1). The reference deployment with the
// firewall's "UDP 3478 inbound" rule removed, a change made here: the guest's Allocate over
// UDP goes unanswered, the browser moves to the ?transport=tcp URL the CMS offered, and
// relays over one TCP connection to Expressway-E; the relay to the CMS stays UDP. The join
// gets media, and the capture shows STUN and ChannelData framed on TCP, dissected cleanly.
// The same from the guest's side: a guest network whose firewall lets only TCP out.
#include "join_run.h"

#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cmslab::jointest {
namespace {

using nlohmann::json;
using testkit::TsharkFields;

// The reference without the firewall's inbound rules for port 3478 of the listed
// protocols (a missing rule leaves the run's summary null, with a message).
EditedRun RunWithout(const std::vector<std::string>& protocols) {
    bool removed_all = true;
    EditedRun run = RunEditedReference("turn-blocked", [&](json& scenario) {
        json& rules = scenario["nat_firewalls"][0]["rules"];
        json kept = json::array();
        for (const auto& rule : rules) {
            bool drop = false;
            for (const auto& p : protocols)
                drop = drop || (rule["protocol"] == p && rule["port"] == 3478);
            if (!drop)
                kept.push_back(rule);
        }
        removed_all = kept.size() + protocols.size() == rules.size();
        rules = kept;
    });
    if (!removed_all) {
        run.summary = nullptr;
        run.output = "the reference has not one 3478 rule per protocol to remove";
    }
    return run;
}

class TurnOverTcp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { s_run = new EditedRun(RunWithout({"udp"})); }
    static void TearDownTestSuite() {
        delete s_run;
        s_run = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(s_run->summary.is_object()) << s_run->output; }
    static std::string Out(const std::string& rel) { return s_run->Out(rel); }
    static json Stage(const std::string& name) { return s_run->Stage(name); }

    static EditedRun* s_run;
};
EditedRun* TurnOverTcp::s_run = nullptr;

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
    const json& d = s_run->summary["diagnosis"];
    EXPECT_EQ(d.value("verdict", ""), "healthy") << d.dump(1);
    bool noted = false;
    for (const auto& note : d.value("expected", json::array()))
        noted = noted || note.value("text", "").find("gave up TURN at 10.88.246.156:3478/udp") !=
                             std::string::npos;
    EXPECT_TRUE(noted) << d.dump(1);
}

// With TCP 3478 blocked as well nothing is left: the diagnosis names the rule for both.
TEST(TurnBlocked, BothProtocolsDroppedTheDiagnosisNamesBoth) {
    const EditedRun run = RunWithout({"udp", "tcp"});
    const json& summary = run.summary;
    ASSERT_TRUE(summary.is_object()) << run.output;
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

// The guest's own network lets nothing but TCP out (and DNS to its resolver): its router
// becomes a nat_firewall whose outbound rules allow TCP, default outbound deny. The
// deployment is the reference's; the guest's UDP Allocate dies at its own firewall.
EditedRun RunBehindGuestFirewall(const std::string& name, const json& tcp_rule) {
    return RunEditedReference(name, [&](json& scenario) {
        for (auto& node : scenario["nodes"])
            if (node["name"] == "guest-router") {
                node["role"] = "nat_firewall";
                node["interfaces"][0]["name"] = "inside";
                node["interfaces"][1]["name"] = "outside";
            }
        json resolver;
        for (const auto& node : scenario["nodes"])
            if (node["name"] == "ext-dns")
                resolver = node["interfaces"][0]["address"];
        json dns_rule = {{"direction", "outbound"},
                         {"protocol", "udp"},
                         {"destination", resolver},
                         {"port", 53},
                         {"comment", "DNS to the provider's resolver"}};
        scenario["nat_firewalls"].push_back({{"node", "guest-router"},
                                             {"outside_network", "public"},
                                             {"mappings", json::array()},
                                             {"rules", {tcp_rule, dns_rule}},
                                             {"default_inbound", "deny"},
                                             {"default_outbound", "deny"},
                                             {"stateful", true},
                                             {"reflection", false}});
    });
}

TEST(GuestFirewall, OnlyTcpOutTheGuestRelaysOverTcpAndGetsMedia) {
    const EditedRun run = RunBehindGuestFirewall(
        "guest-tcp-only", {{"direction", "outbound"}, {"protocol", "tcp"}, {"comment", "TCP"}});
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    for (const char* stage : {"dns", "turn", "ice", "dtls", "media"})
        EXPECT_EQ(run.Stage(stage).value("status", ""), "ok") << stage << ": " << run.Stage(stage);
    EXPECT_NE(run.Stage("turn").value("detail", "").find("10.88.246.156:3478/tcp"),
              std::string::npos)
        << run.Stage("turn");
    // Wireshark reads TURN framed on TCP on the public segment, the Allocate answered.
    const auto answered = TsharkFields(run.Out("pcap/public.pcap"),
                                       "tcp.port==3478 && stun.type==0x0103", {"frame.number"});
    EXPECT_FALSE(answered.empty());
    EXPECT_TRUE(testkit::TsharkWarnings(run.Out("pcap/public.pcap")).empty());
    // The guest's firewall says why UDP never left; the diagnosis calls the fallback normal.
    EXPECT_NE(testkit::ReadFile(run.Out("logs/guest-router.log")).find("dropped outbound UDP"),
              std::string::npos);
    const json& d = run.summary["diagnosis"];
    EXPECT_EQ(d.value("verdict", ""), "healthy") << d.dump(1);
}

TEST(GuestFirewall, OnlyTheWebOutTheDiagnosisNamesTheGuestsFirewallNotTheEdge) {
    const EditedRun run = RunBehindGuestFirewall(
        "guest-web-only",
        {{"direction", "outbound"}, {"protocol", "tcp"}, {"port", 443}, {"comment", "web"}});
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    EXPECT_EQ(run.Stage("turn").value("status", ""), "failed") << run.Stage("turn");
    const json& d = run.summary["diagnosis"];
    ASSERT_FALSE(d.value("causes", json::array()).empty()) << d.dump(1);
    const json& cause = d["causes"][0];
    EXPECT_EQ(cause.value("cause", ""), "firewall_blocks_turn") << cause.dump(1);
    EXPECT_EQ(cause["fix"].value("box", ""), "guest's firewall (guest-router)") << cause.dump(1);
    EXPECT_NE(cause["fix"].value("setting", "").find("outbound access rule for TURN (TCP and UDP"),
              std::string::npos)
        << cause.dump(1);
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
