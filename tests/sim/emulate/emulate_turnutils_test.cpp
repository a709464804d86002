// Issue 12: coturn's turnutils_uclient, a real TURN client, against the Expressway-E's
// public address :3478 from a host the test adds on the public segment (probe-pc). With the
// TURN user Expressway-E has, -y makes two clients allocate, each an RTP/RTCP pair (EVEN-PORT
// with the R bit, then an Allocate with the RESERVATION-TOKEN it got), and send to each
// other's relay address: the data crosses the server twice and no peer program is needed.
// -s sends it in Send indications: without it uclient binds channels from RFC 5766's range
// 0x4000-0x7FFF, which RFC 8656 section 12 narrowed to 0x4000-0x4FFF (0x5000 and up are
// reserved for RFC 7983 demultiplexing), and the modelled server answers 400 to those.
// With the password of the no-media scenario's turnServers object the Allocate is
// challenged (401), then refused (431 Integrity Check Failure), as the Call Bridge's is.
#include "emulation_run.h"

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

namespace cmslab::emulatetest {
namespace {

using namespace std::chrono_literals;
using testkit::ProcessResult;

constexpr const char* kProbe = "probe-pc";
constexpr const char* kProbeAddress = "10.88.246.77";

// The reference with probe-pc on the public segment behind nothing (its gateway the edge
// firewall's outside address), written to `path`.
bool WriteReferenceWithProbe(const std::string& path) {
    nlohmann::json s = ScenarioJson("reference");
    if (s.is_discarded())
        return false;
    AddHost(s, kProbe, "public", kProbeAddress, "10.88.246.1");
    return WriteScenario(s, path);
}

// The Expressway-E's public address and TURN port: the static NAT address of the edge
// firewall and the port of the vcse's turn block.
std::string TurnAddress(const nlohmann::json& s) {
    return s["nat_firewalls"][0]["mappings"][0].value("outside", "");
}

ProcessResult Uclient(const std::string& server, const std::string& user,
                      const std::string& password) {
    // -y: client to client through the server; -s: Send indications; -n 3 messages each.
    return In(kProbe,
              {"timeout", "15", "turnutils_uclient", "-s", "-y", "-n", "3", "-u", user, "-w",
               password, "-p", "3478", server},
              25s);
}

// "tot_recv_msgs=N" of uclient's summary line; -1 when missing.
int ReceivedMessages(const std::string& out) {
    std::smatch m;
    if (!std::regex_search(out, m,
                           std::regex(R"(start_mclient: tot_send_msgs=\d+, tot_recv_msgs=(\d+))")))
        return -1;
    return std::stoi(m[1].str());
}

TEST(EmulateTurnutils, UclientAllocatesAndRelaysAndAWrongPasswordGets401Then431) {
    const std::string why = WhyNoEmulation();
    if (!why.empty())
        GTEST_SKIP() << why;
    if (!testkit::ProgramExists("turnutils_uclient") || !testkit::ProgramExists("tshark"))
        GTEST_SKIP() << "turnutils_uclient (coturn) or tshark is missing";
    const nlohmann::json reference = ScenarioJson("reference");
    const nlohmann::json no_media = ScenarioJson("no-media");
    const std::string user = "turnuser";
    const std::string right = LocalUserPassword(reference, "expressway_e", user);
    const std::string wrong =
        NodeJson(no_media, "cms")["config"]["turn_servers"][0].value("password", "");
    ASSERT_FALSE(right.empty());
    ASSERT_FALSE(wrong.empty());
    ASSERT_NE(right, wrong);
    const std::string server = TurnAddress(reference);

    testkit::TempDir dir("cmslab-emulate-turnutils");
    ASSERT_TRUE(WriteReferenceWithProbe(dir.File("with-probe.json")));
    Emulation emulation(dir.File("with-probe.json"), dir.File("out"), {kProbe}, 40);
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();

    const ProcessResult good = Uclient(server, user, right);
    EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
    // Every message sent came back through the two relays.
    EXPECT_GT(ReceivedMessages(good.out + good.err), 0) << good.out << good.err;
    EXPECT_NE((good.out + good.err).find("Total lost packets 0 "), std::string::npos)
        << good.out << good.err;

    const ProcessResult bad = Uclient(server, user, wrong);
    EXPECT_NE(bad.exit_code, 0) << bad.out << bad.err;
    EXPECT_EQ(emulation.Stop(), 0) << emulation.Output();

    const std::string pcap = dir.File("out/pcap/public.pcap");
    const std::string from_probe = std::string("ip.src == ") + kProbeAddress + " && ";
    const std::string to_probe = std::string("ip.dst == ") + kProbeAddress + " && ";
    // Allocate requests with EVEN-PORT's R bit set, and Allocates presenting a token.
    EXPECT_FALSE(testkit::TsharkFields(pcap,
                                       from_probe + "stun.type == 0x0003 && "
                                                    "stun.att.even-port.reserve-next == 1",
                                       {"stun.type"})
                     .empty());
    EXPECT_FALSE(testkit::TsharkFields(pcap, from_probe + "stun.type == 0x0003 && stun.att.token",
                                       {"stun.att.token"})
                     .empty());
    // Allocate success responses: an RTP/RTCP pair per client at least, the EVEN-PORT
    // ones with a RESERVATION-TOKEN.
    const auto allocated =
        testkit::TsharkFields(pcap, to_probe + "stun.type == 0x0103", {"stun.att.token"});
    EXPECT_GE(allocated.size(), 4u) << testing::PrintToString(allocated);
    EXPECT_GE(std::count_if(allocated.begin(), allocated.end(),
                            [](const std::string& row) { return !row.empty(); }),
              2)
        << testing::PrintToString(allocated);
    // Relayed data both ways: Send indications in, Data indications out.
    EXPECT_GE(testkit::TsharkFields(pcap, from_probe + "stun.type == 0x0016", {"stun.type"}).size(),
              6u);
    EXPECT_GE(testkit::TsharkFields(pcap, to_probe + "stun.type == 0x0017", {"stun.type"}).size(),
              6u);

    // The wrong password: for one client port, a 401 (the challenge) and then the 431
    // (tshark gives the class, 4, and the number, 1 or 31, apart).
    const auto errors =
        testkit::TsharkFields(pcap, to_probe + "stun.type == 0x0113",
                              {"udp.dstport", "stun.att.error.class", "stun.att.error"});
    bool challenged_then_refused = false;
    for (std::size_t i = 0; i < errors.size(); ++i) {
        const auto refused = testkit::SplitFields(errors[i]);
        if (refused.size() != 3 || refused[1] != "4" || refused[2] != "31")
            continue;
        for (std::size_t j = 0; j < i; ++j)
            if (errors[j] == refused[0] + "|4|1")
                challenged_then_refused = true;
    }
    EXPECT_TRUE(challenged_then_refused) << testing::PrintToString(errors);

    // Expressway-E's TURN log says the same.
    const std::string log = testkit::ReadFile(dir.File("out/logs/vcse.log"));
    EXPECT_NE(log.find(std::string("allocation for ") + user + " from UDP " + kProbeAddress + ":"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find(std::string("431 Integrity Check Failure to UDP ") + kProbeAddress + ":"),
              std::string::npos)
        << log;
}

} // namespace
} // namespace cmslab::emulatetest
