// `cmslab validate` and `cmslab topology` as a user runs them: the built binary, in an
// empty working directory that must stay empty.
#include "scenario_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace cmslab::scenario {
namespace {

namespace fs = std::filesystem;

struct RunResult {
    int status = -1;
    std::string out, err;
};

class CmslabCli : public ::testing::Test {
  protected:
    void SetUp() override {
        char work[] = "/tmp/cmslab-cli-work-XXXXXX";
        char capture[] = "/tmp/cmslab-cli-out-XXXXXX";
        m_work = mkdtemp(work);
        m_capture = mkdtemp(capture);
        ASSERT_TRUE(fs::exists(Binary())) << Binary() << " is not built";
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_work, ec);
        fs::remove_all(m_capture, ec);
    }
    static std::string Binary() { return std::string(CMSLAB_BINARY_DIR) + "/cmslab"; }

    RunResult Cmslab(const std::string& args, const std::string& env = "") {
        const std::string cmd = "cd '" + m_work + "' && " + env + " timeout 60 '" + Binary() +
                                "' " + args + " >'" + m_capture + "/out' 2>'" + m_capture + "/err'";
        RunResult r;
        const int rc = std::system(cmd.c_str());
        r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
        r.out = test::ReadFile(m_capture + "/out");
        r.err = test::ReadFile(m_capture + "/err");
        return r;
    }
    bool WorkDirEmpty() const { return fs::is_empty(m_work); }

    std::string m_work, m_capture;
};

TEST_F(CmslabCli, ValidateReferenceSucceedsWithWarnings) {
    const auto path = test::SourcePath("scenarios/reference.json");
    auto r = Cmslab("validate '" + path + "'");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find(path + ": valid"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find(path + ": /nodes/6/config/option_keys: warning:"), std::string::npos)
        << r.err;
    EXPECT_TRUE(WorkDirEmpty());
}

// What the lab does not simulate is the same at every run of a file: validate lists it,
// a command that goes on to use the file (topology here, run and emulate alike) counts it
// on one line and names validate.
TEST_F(CmslabCli, ValidateListsWhatIsNotSimulatedWhereOtherCommandsCountIt) {
    const auto path = test::SourcePath("scenarios/reference.json");
    auto r = Cmslab("validate '" + path + "'");
    ASSERT_EQ(r.status, 0) << r.err;
    std::size_t listed = 0;
    for (std::size_t at = r.err.find(": warning: "); at != std::string::npos;
         at = r.err.find(": warning: ", at + 1))
        ++listed;
    // The three CMS settings, XMPP, the traversal zone's hop count, MRA, the option keys
    // and four SRV records nobody looks up.
    EXPECT_EQ(listed, 11u) << r.err;
    EXPECT_NE(r.err.find(path + ": /nodes/4/config/call_matching: warning: not simulated: "),
              std::string::npos)
        << r.err;

    r = Cmslab("topology '" + path + "'");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, path + ": warning: 11 settings are not simulated; `cmslab validate " + path +
                         "` lists them\n");
}

// A warning about the file's own values is not folded into the count: it is printed.
TEST_F(CmslabCli, AWarningAboutTheFilesValuesIsPrintedInFull) {
    nlohmann::json doc = test::ReferenceJson();
    doc["admin_session"]["at"] = 500;
    const std::string path = m_capture + "/late-admin.json";
    std::ofstream(path) << doc.dump(2);
    auto r = Cmslab("topology '" + path + "'");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(path + ": /admin_session/at: warning: the session starts after the run "
                                "ends"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(path + ": warning: 11 settings are not simulated"), std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
}

TEST_F(CmslabCli, ValidateWithoutScenarioUsesTheReference) {
    auto r = Cmslab("validate");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("scenarios/reference.json: valid"), std::string::npos) << r.out;
    // The source tree can be named at run time.
    r = Cmslab("validate", "CMSLAB_SOURCE_DIR='" + m_capture + "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(m_capture + "/scenarios/reference.json: cannot read"), std::string::npos)
        << r.err;
}

TEST_F(CmslabCli, ValidateBrokenScenarioExits2WithEveryErrorAndWritesNothing) {
    const auto path = test::SourcePath("tests/sim/data/broken-addressing.json");
    auto r = Cmslab("validate '" + path + "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    for (const char* line : {": /networks/1/prefix: ", ": /nodes/0/interfaces/0/address: ",
                             ": /nodes/1/interfaces/0/network: ", ": /nodes/1/gateway: ",
                             ": /nodes/2/interfaces/1/address: ", ": /nodes/2/dns_servers/0: "})
        EXPECT_NE(r.err.find(path + line), std::string::npos) << line << "\n" << r.err;
    EXPECT_TRUE(WorkDirEmpty());
}

TEST_F(CmslabCli, ValidateSeveralFilesFailsIfAnyFails) {
    auto r = Cmslab("validate '" + test::SourcePath("scenarios/reference.json") + "' '" +
                    test::SourcePath("tests/sim/data/broken-addressing.json") + "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("reference.json: valid"), std::string::npos);
}

TEST_F(CmslabCli, TopologyPrintsDot) {
    auto r = Cmslab("topology '" + test::SourcePath("tests/sim/data/other-deployment.json") + "'");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("graph G {", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("\"node:expe1\""), std::string::npos);
    EXPECT_NE(r.out.find("static NAT 203.0.113.80 <-> 198.18.10.5"), std::string::npos);
    EXPECT_TRUE(WorkDirEmpty());
    r = Cmslab("topology");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("10.88.246.0/24"), std::string::npos);
}

TEST_F(CmslabCli, TopologyTracesARoute) {
    auto r = Cmslab("topology --trace vcse 10.88.246.210");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("vcse LAN2 -> dmz -> edge-fw"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("round trip ok"), std::string::npos) << r.out;
}

TEST_F(CmslabCli, TopologyOfBrokenScenarioPrintsNothing) {
    std::ofstream(m_capture + "/bad.json") << "{\"name\": \"x\", \"networks\": []";
    auto r = Cmslab("topology '" + m_capture + "/bad.json'");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("bad.json: not valid JSON"), std::string::npos) << r.err;
    EXPECT_TRUE(WorkDirEmpty());
}

TEST_F(CmslabCli, HelpAndUsageErrors) {
    auto r = Cmslab("validate --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("usage: cmslab validate"), std::string::npos);
    r = Cmslab("topology --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("usage: cmslab topology"), std::string::npos);
    r = Cmslab("validate --strict");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown option"), std::string::npos);
    r = Cmslab("topology a.json b.json");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("one scenario at a time ('a.json' and 'b.json')"), std::string::npos)
        << r.err;
    // Every command reads its options with one parser (sim/cli/option_parser.h).
    r = Cmslab("topology --trace guest-pc");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("cmslab topology: --trace needs 2 values"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usage: cmslab topology"), std::string::npos) << r.err;
    r = Cmslab("diagnose --json=yes somewhere");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--json takes no value"), std::string::npos) << r.err;
    r = Cmslab("run --seed=many");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--seed takes a whole number"), std::string::npos) << r.err;
    r = Cmslab("run --out");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--out needs a value"), std::string::npos) << r.err;
    // The one real guest the lab drives is Chromium.
    r = Cmslab("run --guest firefox");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--guest takes chromium (the real browser), not 'firefox'"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(WorkDirEmpty());
}

} // namespace
} // namespace cmslab::scenario
