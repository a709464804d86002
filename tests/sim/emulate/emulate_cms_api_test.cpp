// Issue 12: the live CMS REST API from an attached host. admin-pc, the administrator's
// workstation on the internal LAN of every scenario, is a real namespace; real curl reads
// the turnServers with the scenario's API user and, on the no-media scenario, PUTs the
// password Expressway-E's TURN user really has. The modelled guest opens the page later
// (guest.start_after), so it joins after the change: it gets media. The same run without
// the PUT keeps the 431 failure, so the test can fail.
#include "emulation_run.h"

#include "support/process.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

namespace cmslab::emulatetest {
namespace {

using namespace std::chrono_literals;
using testkit::ProcessResult;

// The guest opens the page this long into the run: the deployment is ready after about
// 1 s of wall time and the two curl requests take well under a second; the guest's
// iceServers and the Call Bridge's TURN allocation come after its login, about 5 s later.
constexpr int kGuestStartsAfter = 4;
// The join takes about 5.3 s (the login steps), then a second of media; room for lag.
constexpr int kDuration = kGuestStartsAfter + 9;

struct ApiRun {
    nlohmann::json summary;
    std::string output;
    std::string list; // the GET answer, status line last
    std::string put;  // the PUT answer's status line ("" without a PUT)
    std::string cms_log, vcse_log;
};

class EmulateCmsApi : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string why = WhyNoEmulation();
        if (!why.empty())
            GTEST_SKIP() << why;
        if (!testkit::ProgramExists("curl"))
            GTEST_SKIP() << "curl is missing";
        m_scenario = ScenarioJson("no-media");
        ASSERT_FALSE(m_scenario.is_discarded());
        m_scenario["guest"]["start_after"] = kGuestStartsAfter;
        m_scenario["guest"]["media_duration"] = 1;
        ASSERT_TRUE(WriteScenario(m_scenario, m_dir.File("no-media-later.json")));
    }

    // The CMS API's base URL and admin credentials, as the scenario's admin session has them.
    std::string ApiUrl() const { return m_scenario["admin_session"].value("url", ""); }
    std::string Credentials() const {
        const nlohmann::json& a = m_scenario["admin_session"];
        return a.value("user", "") + ":" + a.value("password", "");
    }

    ProcessResult Curl(const std::string& out, std::vector<std::string> args) {
        std::vector<std::string> argv = {
            "curl",        "--silent",    "--show-error",           "--max-time",
            "10",          "--cacert",    out + "/ca/lab-ca.pem",   "--user",
            Credentials(), "--write-out", "\nstatus %{http_code}\n"};
        argv.insert(argv.end(), args.begin(), args.end());
        return In("admin-pc", argv, 20s);
    }

    // One emulation with admin-pc attached; with `password`, the PUT of it on the first
    // turnServer before the guest starts.
    ApiRun Run(const std::string& name, const std::string& password) {
        ApiRun run;
        const std::string out = m_dir.File(name);
        Emulation emulation(m_dir.File("no-media-later.json"), out, {"admin-pc"}, kDuration);
        if (!emulation.WaitReady()) {
            ADD_FAILURE() << emulation.Output();
            return run;
        }
        const ProcessResult list = Curl(out, {ApiUrl() + "/api/v1/turnServers"});
        EXPECT_EQ(list.exit_code, 0) << list.err;
        run.list = list.out;
        std::smatch id;
        const bool has_id =
            std::regex_search(run.list, id, std::regex("<turnServer id=\"([^\"]+)\""));
        EXPECT_TRUE(has_id) << run.list;
        if (!password.empty() && has_id) {
            const ProcessResult put =
                Curl(out, {"--request", "PUT", "--data-urlencode", "password=" + password,
                           ApiUrl() + "/api/v1/turnServers/" + id[1].str()});
            EXPECT_EQ(put.exit_code, 0) << put.err;
            run.put = put.out;
        }
        // The run ends at its duration: the guest's join and its media are inside it.
        EXPECT_EQ(emulation.Process().Wait(60s), 0) << emulation.Output();
        run.output = emulation.Output();
        std::ifstream in(out + "/summary.json");
        run.summary = nlohmann::json::parse(in, nullptr, false);
        run.cms_log = testkit::ReadFile(out + "/logs/cms.log");
        run.vcse_log = testkit::ReadFile(out + "/logs/vcse.log");
        return run;
    }

    testkit::TempDir m_dir{"cmslab-emulate-api"};
    nlohmann::json m_scenario;
};

TEST_F(EmulateCmsApi, CurlFixesTheNoMediaPasswordAndTheNextGuestGetsMedia) {
    const std::string right = LocalUserPassword(m_scenario, "expressway_e", "turnuser");
    ASSERT_FALSE(right.empty());
    const ApiRun fixed = Run("fixed", right);
    // The list as the product gives it: the XML declaration first, the object created
    // from the scenario's turn_servers.
    EXPECT_EQ(fixed.list.rfind("<?xml version=\"1.0\"?><turnServers total=\"1\">", 0), 0u)
        << fixed.list;
    const nlohmann::json& turn = NodeJson(m_scenario, "cms")["config"]["turn_servers"][0];
    EXPECT_NE(
        fixed.list.find("<serverAddress>" + turn.value("server_address", "") + "</serverAddress>"),
        std::string::npos)
        << fixed.list;
    EXPECT_NE(fixed.list.find("status 200"), std::string::npos) << fixed.list;
    EXPECT_NE(fixed.put.find("status 200"), std::string::npos) << fixed.put;
    ASSERT_FALSE(fixed.summary.is_discarded()) << fixed.output;
    for (const char* stage : {"turn", "ice", "dtls", "media"})
        EXPECT_EQ(fixed.summary["stages"][stage]["status"], "ok")
            << stage << ": " << fixed.summary["stages"];
    EXPECT_GT(fixed.summary["media"]["received"].value("packets", 0), 0) << fixed.summary["media"];
    // Neither the Call Bridge nor the browser met the 431.
    EXPECT_EQ(fixed.vcse_log.find("431 Integrity Check Failure"), std::string::npos)
        << fixed.vcse_log;
    EXPECT_EQ(fixed.cms_log.find("unauthorized - check credentials"), std::string::npos);
}

TEST_F(EmulateCmsApi, WithoutThePutTheSameRunKeepsThe431) {
    const ApiRun control = Run("control", "");
    EXPECT_NE(control.list.find("status 200"), std::string::npos) << control.list;
    ASSERT_FALSE(control.summary.is_discarded()) << control.output;
    EXPECT_EQ(control.summary["stages"]["turn"]["status"], "failed") << control.summary["stages"];
    EXPECT_NE(control.summary["stages"]["media"]["status"], "ok") << control.summary["stages"];
    EXPECT_NE(control.vcse_log.find("431 Integrity Check Failure"), std::string::npos)
        << control.vcse_log;
}

} // namespace
} // namespace cmslab::emulatetest
