// `cmslab run SCENARIO --guest chromium`: Debian's headless Chromium joins from the guest's
// namespace, and what it shows is judged as a trainer would look at it: Chromium's own
// error code and interstitial, the HTTP status, the page without Join call, the
// screenshots (real PNG files), and the same stage results as the modelled browser's run
// of the same scenario.
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::chromiumtest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Binary() {
    return std::string(CMSLAB_BINARY_DIR) + "/cmslab";
}
std::string ScenarioPath(const std::string& name) {
    return std::string(CMSLAB_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

std::string WhyNoChromium() {
    if (geteuid() != 0)
        return "needs root (network namespaces, TAP devices)";
    if (access("/dev/net/tun", R_OK | W_OK) != 0)
        return "/dev/net/tun is missing: no TAP devices on this machine";
    for (const char* program : {"ip", "chromium", "certutil"})
        if (!testkit::ProgramExists(program))
            return std::string(program) + " is missing (tools/setup installs it)";
    return "";
}

json ReadJson(const std::string& path) {
    std::ifstream in(path);
    return in ? json::parse(in, nullptr, false) : json();
}

// One run of a scenario file, with Chromium or with the modelled browser.
class GuestRun {
  public:
    GuestRun(const std::string& scenario_file, bool chromium)
        : m_dir(std::string("cmslab-chromium-") + (chromium ? "real" : "model")) {
        m_out = m_dir.File("out");
        std::vector<std::string> argv = {"timeout", "-k",          "5",     "150", Binary(),
                                         "run",     scenario_file, "--out", m_out, "--quiet"};
        if (chromium) {
            argv.push_back("--guest");
            argv.push_back("chromium");
        }
        m_result = testkit::RunProcess(argv, std::chrono::seconds(170));
        m_summary = ReadJson(m_out + "/summary.json");
        m_saw = ReadJson(m_out + "/chromium.json");
    }
    bool Usable() const {
        return m_result.exit_code == 0 && m_summary.is_object() && m_summary.contains("stages");
    }
    std::string Why() const {
        return "exit " + std::to_string(m_result.exit_code) + "\n" + m_result.out + m_result.err +
               "\n" + testkit::ReadFile(m_out + "/logs/chromium.log").substr(0, 2000);
    }
    std::string Stage(const std::string& stage) const {
        return m_summary["stages"][stage].value("status", "");
    }
    const json& View() const { return m_summary["guest_view"]; }
    const json& Saw() const { return m_saw; }
    const json& Summary() const { return m_summary; }
    const std::string& Out() const { return m_out; }
    std::vector<std::string> Screenshots() const {
        std::vector<std::string> files;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(m_out + "/screens", ec))
            files.push_back(e.path().filename().string());
        std::sort(files.begin(), files.end());
        return files;
    }

  private:
    testkit::TempDir m_dir;
    std::string m_out;
    testkit::ProcessResult m_result;
    json m_summary;
    json m_saw;
};

// Each scenario runs once per browser for all the tests that look at it.
const GuestRun& RunOnce(const std::string& scenario_file, bool chromium) {
    static std::map<std::pair<std::string, bool>, std::unique_ptr<GuestRun>> runs;
    auto& run = runs[{scenario_file, chromium}];
    if (!run)
        run = std::make_unique<GuestRun>(scenario_file, chromium);
    return *run;
}
const GuestRun& Chromium(const std::string& name) {
    return RunOnce(ScenarioPath(name), true);
}

// A PNG file: its signature and a size a rendered page has.
bool IsPng(const std::string& path) {
    const std::string bytes = testkit::ReadFile(path);
    return bytes.size() > 2000 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

bool Has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// The same scenario with the modelled browser: stage by stage the same result, and the
// same screen. Called by each failure case's test on its Chromium run.
void ExpectSameStagesAsTheModel(const std::string& name, const GuestRun& real) {
    const GuestRun& model = RunOnce(ScenarioPath(name), false);
    ASSERT_TRUE(model.Usable()) << name << ": " << model.Why();
    ASSERT_EQ(model.Summary()["stages"].size(), 11u);
    for (const auto& [stage, record] : model.Summary()["stages"].items())
        EXPECT_EQ(real.Stage(stage), record.value("status", ""))
            << name << ", stage " << stage << ": Chromium "
            << real.Summary()["stages"][stage].dump() << ", model " << record.dump();
    EXPECT_EQ(real.View().value("screen", ""), model.View().value("screen", "")) << name;
    // The diagnosis reads either browser's evidence to the same cause.
    const auto first_cause = [](const json& summary) {
        const json& causes = summary["diagnosis"]["causes"];
        return causes.is_array() && !causes.empty() ? causes[0].value("cause", "") : "";
    };
    EXPECT_FALSE(first_cause(model.Summary()).empty()) << name;
    EXPECT_EQ(first_cause(real.Summary()), first_cause(model.Summary()))
        << name << ": Chromium's diagnosis " << real.Summary()["diagnosis"].dump();
}

class ChromiumGuest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const std::string why = WhyNoChromium(); !why.empty())
            GTEST_SKIP() << why;
    }
};

TEST_F(ChromiumGuest, UnsecureConnectionShowsTheInterstitial) {
    const GuestRun& run = Chromium("unsecure-connection");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.Saw().value("net_error", ""), "net::ERR_CERT_COMMON_NAME_INVALID");
    EXPECT_EQ(run.Stage("tls"), "ok");
    EXPECT_EQ(run.Stage("certificate"), "failed");
    EXPECT_EQ(run.Stage("http"), "not_reached");
    EXPECT_EQ(run.View().value("screen", ""), "certificate_warning");
    EXPECT_EQ(run.View().value("error_code", ""), "NET::ERR_CERT_COMMON_NAME_INVALID");
    EXPECT_EQ(run.View().value("title", ""), "Your connection is not private");
    const auto shots = run.Screenshots();
    ASSERT_EQ(shots.size(), 1u);
    EXPECT_EQ(shots[0], "01-certificate_warning.png");
    EXPECT_TRUE(IsPng(run.Out() + "/screens/" + shots[0]));
    ExpectSameStagesAsTheModel("unsecure-connection", run);
}

TEST_F(ChromiumGuest, UntrustedCertificateIsAnAuthorityError) {
    const GuestRun& run = Chromium("untrusted-certificate");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.Saw().value("net_error", ""), "net::ERR_CERT_AUTHORITY_INVALID");
    EXPECT_EQ(run.Stage("certificate"), "failed");
    EXPECT_EQ(run.View().value("screen", ""), "certificate_warning");
    ExpectSameStagesAsTheModel("untrusted-certificate", run);
}

TEST_F(ChromiumGuest, BadRequestShowsThe400Page) {
    const GuestRun& run = Chromium("bad-request");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.Saw().value("net_error", ""), "");
    EXPECT_EQ(run.Saw().value("http_status", 0), 400);
    EXPECT_EQ(run.Stage("certificate"), "ok");
    EXPECT_EQ(run.Stage("http"), "failed");
    EXPECT_EQ(run.View().value("screen", ""), "bad_request");
    EXPECT_EQ(run.View().value("title", ""), "Bad Request");
    EXPECT_TRUE(IsPng(run.Out() + "/screens/01-bad_request.png"));
    ExpectSameStagesAsTheModel("bad-request", run);
}

TEST_F(ChromiumGuest, NoJoinButtonShowsThePageWithoutJoinCall) {
    const GuestRun& run = Chromium("no-join-button");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.Saw().value("http_status", 0), 200);
    EXPECT_EQ(run.Stage("web_bridge"), "failed");
    EXPECT_EQ(run.View().value("screen", ""), "no_join_button");
    const auto buttons = run.View().value("buttons", std::vector<std::string>{});
    EXPECT_FALSE(Has(buttons, "Join call"));
    EXPECT_TRUE(Has(buttons, "Sign in"));
    EXPECT_TRUE(IsPng(run.Out() + "/screens/01-no_join_button.png"));
    ExpectSameStagesAsTheModel("no-join-button", run);
}

// The guest of unsecure-connection.json, but one who clicks through the warning: Chromium's
// interstitial link, then the app's page marked not secure.
TEST_F(ChromiumGuest, ProceedingPastTheWarningLoadsThePageNotSecure) {
    testkit::TempDir dir("cmslab-chromium-proceed");
    json scenario = ReadJson(ScenarioPath("unsecure-connection"));
    ASSERT_TRUE(scenario.is_object());
    scenario["guest"]["proceed_past_certificate_warning"] = true;
    scenario.erase("expect");
    const std::string file = dir.File("proceed.json");
    std::ofstream(file) << scenario.dump(2);
    const GuestRun& run = RunOnce(file, true);
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_TRUE(run.Saw().value("proceeded_past_warning", false));
    EXPECT_EQ(run.Saw().value("http_status", 0), 200);
    EXPECT_EQ(run.Stage("certificate"), "failed");
    EXPECT_EQ(run.Stage("http"), "ok");
    EXPECT_EQ(run.Stage("web_bridge"), "ok");
    EXPECT_EQ(run.View().value("security", ""), "Not secure");
    const auto shots = run.Screenshots();
    ASSERT_GE(shots.size(), 2u);
    EXPECT_EQ(shots[0], "01-certificate_warning.png");
    EXPECT_EQ(shots[1], "02-join_page.png");
}

// The reference: the page, Join call, call ID, name, and the call with media both ways:
// Chromium's getStats() against the CMS's own counts, and Chromium's ICE checks (its
// GOOG-NETWORK-INFO attribute, 0xC057) relayed by Expressway-E's TURN server into the DMZ.
TEST_F(ChromiumGuest, ReferenceJoinsWithMedia) {
    const GuestRun& run = Chromium("reference");
    ASSERT_TRUE(run.Usable()) << run.Why();
    for (const auto& [stage, record] : run.Summary()["stages"].items())
        EXPECT_EQ(record.value("status", ""), "ok") << stage << ": " << record.dump();
    const auto shots = run.Screenshots();
    EXPECT_EQ(shots, (std::vector<std::string>{"01-join_page.png", "02-enter_call_id.png",
                                               "03-enter_name.png", "04-connecting.png",
                                               "05-in_call.png"}));
    for (const auto& shot : shots)
        EXPECT_TRUE(IsPng(run.Out() + "/screens/" + shot)) << shot;
    const json& app = run.Saw()["app"];
    EXPECT_EQ(app.value("participants", std::vector<std::string>{}),
              std::vector<std::string>{"Guest"});
    const json& media = app["media"];
    const json cms = ReadJson(run.Out() + "/status/cms.json")["cms"]["ended_calls_media"];
    const auto cms_sent = cms.value("packets_sent", 0ull);
    const auto chromium_received = media.value("packetsReceived", 0ull);
    EXPECT_GT(cms_sent, 100u) << cms.dump();
    EXPECT_GE(chromium_received * 10, cms_sent * 9) << media.dump() << cms.dump();
    EXPECT_GT(cms.value("packets_received", 0ull), 100u) << cms.dump();
    // Chromium's reports come as SRTCP on the same port: read as such, none refused.
    EXPECT_GT(cms.value("rtcp_received", 0ull), 0u) << cms.dump();
    EXPECT_EQ(cms.value("srtp_refused", 1ull), 0u) << cms.dump();
    EXPECT_EQ(media["selectedPair"].value("local", ""), "relay") << media.dump();

    const auto checks = testkit::TsharkFields(run.Out() + "/pcap/dmz.pcap",
                                              "stun.type == 0x0001 && stun.att.type == 0xc057",
                                              {"ip.src", "ip.dst"});
    EXPECT_FALSE(checks.empty()) << "no ICE check with GOOG-NETWORK-INFO in the DMZ";
    // Chromium, the DTLS server, answers the CMS's ClientHello with DTLS 1.2 and
    // SRTP_AES128_CM_HMAC_SHA1_80 (use_srtp profile 0x0001).
    const auto hellos =
        testkit::TsharkFields(run.Out() + "/pcap/dmz.pcap", "dtls.handshake.type == 2",
                              {"dtls.handshake.version", "dtls.use_srtp.protection_profile"});
    ASSERT_FALSE(hellos.empty()) << "no DTLS ServerHello in the DMZ";
    EXPECT_EQ(hellos.front(), "0xfefd|0x0001");
    for (const char* segment : {"guest", "public", "dmz", "internal"}) {
        const auto errors = testkit::TsharkFields(
            run.Out() + "/pcap/" + segment + ".pcap", "_ws.expert.severity == error",
            {"frame.number", "_ws.expert.message"},
            {"-o", "tls.keylog_file:" + run.Out() + "/sslkeys.log"});
        EXPECT_TRUE(errors.empty()) << segment << ": " << errors.front();
    }
}

// No media: Expressway-E refuses the TURN credentials the app got in `joined` (401 with
// realm and nonce, then 431 to the credential), and after its 30 s the app drops the call
// and shows the join page again.
TEST_F(ChromiumGuest, NoMediaRefusesTheRelayAndGoesBackToTheJoinPage) {
    const GuestRun& run = Chromium("no-media");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.Stage("guest_login"), "ok");
    EXPECT_EQ(run.Stage("turn"), "failed");
    EXPECT_EQ(run.View().value("screen", ""), "connecting_timeout");
    const auto shots = run.Screenshots();
    ASSERT_FALSE(shots.empty());
    EXPECT_EQ(shots.back(), "05-connecting_timeout.png");
    std::vector<int> codes;
    for (const auto& row : testkit::TsharkFields(run.Out() + "/pcap/guest.pcap", "stun.att.error",
                                                 {"stun.att.error.class", "stun.att.error"})) {
        const auto f = testkit::SplitFields(row);
        if (f.size() >= 2 && !f[0].empty() && !f[1].empty())
            codes.push_back(std::stoi(f[0]) * 100 + std::stoi(f[1]));
    }
    ASSERT_GE(codes.size(), 2u);
    EXPECT_EQ(codes[0], 401);
    EXPECT_NE(std::find(codes.begin() + 1, codes.end(), 431), codes.end());
    ExpectSameStagesAsTheModel("no-media", run);
}

} // namespace
} // namespace cmslab::chromiumtest
