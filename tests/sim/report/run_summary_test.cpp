// What `cmslab run` prints: the outcome on stdout (stages, screen, media, the
// diagnosis' cause and fix, the report's path), scenario warnings on stderr (what is not
// simulated counted on one line), and with
// --quiet nothing but errors.
#include "report_run.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cmslab::report_tests {
namespace {

TEST(RunSummary, ReferencePrintsEachStageAndWhereTheReportIs) {
    ScenarioRun run("reference");
    const auto& r = run.Result();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* stage : {"dns", "tcp", "tls", "certificate", "http", "web_bridge",
                              "guest_login", "turn", "ice", "dtls", "media"})
        EXPECT_TRUE(Contains(r.out, "  " + std::string(stage) + " ")) << stage << "\n" << r.out;
    EXPECT_TRUE(Contains(r.out, "  media        ok")) << r.out;
    EXPECT_TRUE(Contains(r.out, "screen: in_call \"Proxy webRTC\"")) << r.out;
    EXPECT_TRUE(Contains(r.out, "media: 500 packets sent, 500 received")) << r.out;
    EXPECT_TRUE(Contains(r.out, "diagnosis: healthy")) << r.out;
    EXPECT_TRUE(Contains(r.out, "report: " + run.Out() + "/report.html")) << r.out;
    EXPECT_TRUE(std::filesystem::exists(run.Out() + "/report.html"));
    // The reference sets keys the lab does not simulate: counted on stderr in one line
    // (`cmslab validate` lists them), not on stdout.
    EXPECT_TRUE(Contains(r.err, ": warning: 11 settings are not simulated; `cmslab validate "))
        << r.err;
    EXPECT_FALSE(Contains(r.err, "warning: not simulated:")) << r.err;
    EXPECT_FALSE(Contains(r.out, "warning")) << r.out;
}

TEST(RunSummary, BadRequestPrintsTheFailedStageCauseAndFix) {
    ScenarioRun run("bad-request");
    const auto& r = run.Result();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "  http         failed      GET / -> 400 Bad Request")) << r.out;
    EXPECT_TRUE(Contains(r.out, "  web_bridge   not reached")) << r.out;
    EXPECT_TRUE(Contains(r.out, "screen: bad_request \"Bad Request\"")) << r.out;
    EXPECT_TRUE(Contains(r.out, "cause: Expressway-C announces cmsweb.cms.octavio.local")) << r.out;
    EXPECT_TRUE(
        Contains(r.out, "fix: Expressway-C, Meeting Server Web Proxy: Guest account client URI"))
        << r.out;
}

TEST(RunSummary, QuietPrintsNothingButErrors) {
    ScenarioRun run("no-media", {"--quiet"});
    EXPECT_EQ(run.Result().exit_code, 0) << run.Result().err;
    EXPECT_EQ(run.Result().out, "");
    EXPECT_EQ(run.Result().err, "");
    EXPECT_TRUE(std::filesystem::exists(run.Out() + "/report.html"));

    // A scenario that cannot be simulated still says why.
    testkit::TempDir dir("cmslab-quiet");
    const std::string broken = dir.Write("broken.json", "{\"name\": 3}");
    auto r = testkit::RunProcess({Binary(), "run", broken, "--out", dir.File("out"), "--quiet"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(Contains(r.err, "broken.json")) << r.err;
}

} // namespace
} // namespace cmslab::report_tests
