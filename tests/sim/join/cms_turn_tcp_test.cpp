// Issue 14, the Call Bridge's side of TURN over TCP (RFC 8656 section 3.1). The reference
// with a change made here: the CMS moves to a LAN of its own behind a firewall (cms-fw,
// static NAT that keeps its address on the inside LAN, so DNS, the web proxy and the
// Expressway-E see it as before) whose outbound rules let TCP out but not UDP. The Call
// Bridge's Allocate over UDP to Expressway-E LAN1 dies there; it allocates over TCP to the
// same port and the guest gets media, the relays to each other staying UDP. The control:
// only the web (TCP 443) let out, nothing is left for TURN, and the diagnosis says which
// firewall keeps the Call Bridge's TURN in.
#include "join_run.h"

#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cmslab::jointest {
namespace {

using nlohmann::json;
using testkit::TsharkFields;

constexpr const char* kCmsInside = "172.16.86.180";

// The CMS behind its own firewall; `outbound` are the firewall's outbound allow rules
// besides DNS to the inside resolver. Inbound: the web bridge (443, from Expressway-C and
// the Call Bridge's own c2w link, reflected) and the web admin and API (445).
EditedRun RunCmsBehindFirewall(const std::string& name, const json& outbound) {
    return RunEditedReference(name, [&](json& scenario) {
        json resolver;
        for (auto& node : scenario["nodes"])
            if (node["name"] == "cms") {
                resolver = node["dns_servers"][0];
                node["interfaces"][0]["network"] = "cms-lan";
                node["interfaces"][0]["address"] = kCmsInside;
                node["gateway"] = "172.16.86.1";
            }
        scenario["networks"].push_back({{"name", "cms-lan"},
                                        {"prefix", "172.16.86.0/24"},
                                        {"delay_ms", 0.2},
                                        {"description", "The CMS alone behind its firewall"}});
        scenario["nodes"].push_back(
            {{"name", "cms-fw"},
             {"role", "nat_firewall"},
             {"description", "Firewall in front of the CMS"},
             {"interfaces",
              {{{"name", "inside"}, {"network", "cms-lan"}, {"address", "172.16.86.1"}},
               {{"name", "outside"}, {"network", "internal"}, {"address", "172.16.85.2"}}}},
             {"gateway", "172.16.85.1"}});
        json rules = outbound;
        rules.push_back({{"direction", "outbound"},
                         {"protocol", "udp"},
                         {"destination", resolver},
                         {"port", 53},
                         {"comment", "DNS"}});
        for (int port : {443, 445})
            rules.push_back({{"direction", "inbound"},
                             {"protocol", "tcp"},
                             {"destination", kCms},
                             {"port", port},
                             {"comment", port == 443 ? "web bridge" : "web admin and API"}});
        scenario["nat_firewalls"].push_back(
            {{"node", "cms-fw"},
             {"outside_network", "internal"},
             {"mappings", {{{"inside", kCmsInside}, {"outside", kCms}}}},
             {"rules", rules},
             {"default_inbound", "deny"},
             {"default_outbound", "deny"},
             {"stateful", true},
             {"reflection", true}});
    });
}

class CmsTurnOverTcp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_run = new EditedRun(RunCmsBehindFirewall(
            "cms-tcp-only",
            json::array({{{"direction", "outbound"}, {"protocol", "tcp"}, {"comment", "TCP"}}})));
    }
    static void TearDownTestSuite() {
        delete s_run;
        s_run = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(s_run->summary.is_object()) << s_run->output; }
    static std::string Out(const std::string& rel) { return s_run->Out(rel); }

    static EditedRun* s_run;
};
EditedRun* CmsTurnOverTcp::s_run = nullptr;

TEST_F(CmsTurnOverTcp, TheGuestGetsMedia) {
    for (const char* stage : {"turn", "ice", "dtls", "media"})
        EXPECT_EQ(s_run->Stage(stage).value("status", ""), "ok")
            << stage << ": " << s_run->Stage(stage).dump();
    // The guest's own relay is over UDP as in the reference.
    EXPECT_NE(s_run->Stage("turn").value("detail", "").find("3478/udp"), std::string::npos)
        << s_run->Stage("turn");
}

TEST_F(CmsTurnOverTcp, TheCmsLogSaysItAllocatedOverTcp) {
    const std::string log = testkit::ReadFile(Out("logs/cms.log"));
    EXPECT_NE(log.find("no answer from TURN server 172.16.85.168:3478 over UDP (no answer after "
                       "5 s); allocating over TCP to 172.16.85.168:3478"),
              std::string::npos)
        << log.substr(0, 6000);
    EXPECT_NE(log.find("allocated over TCP at 172.16.85.168:3478"), std::string::npos);
    EXPECT_EQ(log.find("ICE failure"), std::string::npos) << log.substr(0, 6000);
    // The firewall says why UDP never reached the Expressway-E.
    const std::string fw = testkit::ReadFile(Out("logs/cms-fw.log"));
    EXPECT_NE(fw.find("dropped outbound UDP"), std::string::npos) << fw.substr(0, 3000);
}

TEST_F(CmsTurnOverTcp, TheInsideCaptureShowsTurnFramedOnTcp) {
    const std::string pcap = Out("pcap/internal.pcap");
    // Allocate, 401, Allocate with credentials, success, framed on the TCP stream between
    // the CMS (as translated) and Expressway-E LAN1.
    std::vector<std::string> seen;
    for (const auto& row :
         TsharkFields(pcap, "stun && tcp && stun.type", {"ip.src", "stun.type"})) {
        const auto f = SplitFields(row);
        ASSERT_EQ(f.size(), 2u) << row;
        seen.push_back(f[0] + " " + f[1]);
    }
    ASSERT_GE(seen.size(), 4u);
    EXPECT_EQ(seen[0], std::string(kCms) + " 0x0003");
    EXPECT_EQ(seen[1], std::string(kExpresswayELan1) + " 0x0113");
    EXPECT_EQ(seen[2], std::string(kCms) + " 0x0003");
    EXPECT_EQ(seen[3], std::string(kExpresswayELan1) + " 0x0103");
    // The media: ChannelData on the stream, hundreds of messages.
    EXPECT_GE(TsharkFields(pcap, "tcp.port==3478 && stun.channel", {"frame.number"}).size(), 200u);
    // No UDP Allocate reached the inside LAN: the firewall dropped them on the CMS's LAN.
    EXPECT_TRUE(TsharkFields(pcap, "udp.port==3478 && stun.type==0x0003", {"ip.src"}).empty());
    EXPECT_GE(TsharkFields(Out("pcap/cms-lan.pcap"), "udp.dstport==3478 && stun.type==0x0003",
                           {"frame.number"})
                  .size(),
              2u);
    for (const char* network : {"internal", "cms-lan"}) {
        const std::string warnings =
            testkit::TsharkWarnings(Out(std::string("pcap/") + network + ".pcap"));
        EXPECT_TRUE(warnings.empty()) << network << ":\n" << warnings.substr(0, 4000);
    }
}

TEST_F(CmsTurnOverTcp, TheStatusPageShowsTheRelayOverTcp) {
    const json status = json::parse(testkit::ReadFile(Out("status/cms.json")), nullptr, false);
    ASSERT_TRUE(status.is_object());
    const json& ended = status["cms"]["ended_calls_media"];
    EXPECT_GT(ended.value("packets_received", 0), 100) << ended;
    // The page opened while the media flowed shows the call's relay over TCP.
    std::string mid_call;
    for (const json& moment : s_run->summary["status_moments"])
        if (moment.value("moment", "") == "media flowing")
            for (const json& file : moment["files"])
                if (file.get<std::string>().rfind("status/cms@", 0) == 0)
                    mid_call = file.get<std::string>();
    ASSERT_FALSE(mid_call.empty()) << s_run->summary["status_moments"];
    const json during = json::parse(testkit::ReadFile(Out(mid_call)), nullptr, false);
    const json& calls = during["cms"]["calls"];
    ASSERT_TRUE(calls.is_array() && calls.size() == 1) << during;
    EXPECT_EQ(calls[0].value("turn_transport", ""), "tcp") << calls[0];
    EXPECT_EQ(calls[0].value("turn", ""), "Allocated") << calls[0];
}

TEST_F(CmsTurnOverTcp, TheDiagnosisCallsTheFallbackNormalNotAFault) {
    const json& d = s_run->summary["diagnosis"];
    EXPECT_EQ(d.value("verdict", ""), "healthy") << d.dump(1);
    bool noted = false;
    for (const auto& note : d.value("expected", json::array()))
        noted = noted || note.value("text", "")
                                 .find("the Call Bridge gave up TURN over UDP at "
                                       "172.16.85.168:3478") != std::string::npos;
    EXPECT_TRUE(noted) << d.dump(1);
}

// The TURN server's challenge is noted once per client host: the CMS's, seen at its inside
// address on its LAN and at the address its firewall's static NAT gives it outside, is one
// host (and so one note), the guest's another.
TEST_F(CmsTurnOverTcp, OneChallengeNotePerClientHostThroughTheNat) {
    const json& d = s_run->summary["diagnosis"];
    std::vector<std::string> challenges;
    for (const auto& note : d.value("expected", json::array()))
        if (note.value("text", "").rfind("Allocate Error Response 401", 0) == 0)
            challenges.push_back(note.value("text", ""));
    EXPECT_EQ(challenges.size(), 2u) << d.dump(1);
}

// Only the web let out: neither UDP nor TCP reaches the TURN server, the Call Bridge has
// no relay, the guest no media; the diagnosis names the CMS's firewall and both protocols.
TEST(CmsTurnBlocked, OnlyTheWebOutTheDiagnosisNamesTheCmsFirewall) {
    const EditedRun run = RunCmsBehindFirewall(
        "cms-web-only",
        json::array(
            {{{"direction", "outbound"}, {"protocol", "tcp"}, {"port", 443}, {"comment", "web"}}}));
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    EXPECT_EQ(run.Stage("turn").value("status", ""), "ok") << run.Stage("turn");
    EXPECT_NE(run.Stage("media").value("status", ""), "ok") << run.Stage("media");
    const std::string log = testkit::ReadFile(run.Out("logs/cms.log"));
    EXPECT_NE(log.find("allocating over TCP to 172.16.85.168:3478"), std::string::npos);
    EXPECT_NE(log.find("ICE failure 2 (no response from TURN server over UDP or TCP"),
              std::string::npos)
        << log.substr(0, 6000);
    const json& d = run.summary["diagnosis"];
    ASSERT_FALSE(d.value("causes", json::array()).empty()) << d.dump(1);
    const json& cause = d["causes"][0];
    EXPECT_EQ(cause.value("cause", ""), "firewall_blocks_cms_turn") << d.dump(1);
    EXPECT_EQ(cause["fix"].value("box", ""), "firewall (cms-fw)") << cause.dump(1);
    EXPECT_NE(cause.dump().find("TCP and UDP 3478"), std::string::npos) << cause.dump(1);
}

} // namespace
} // namespace cmslab::jointest
