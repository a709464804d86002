// The child processes of check and diff (exit codes, crashes, hangs, their output), the
// JUnit report, and one scenario file checked with a stand-in for the simulation.
#include "check/child_run.h"
#include "check/junit.h"
#include "check/scenario_check.h"
#include "common/text.h"
#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace cmslab::check {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST(RunInChild, ExitCodeAndOutputGoToTheLog) {
    testkit::TempDir dir("cmslab-child");
    const auto r = RunInChild(
        [] {
            std::cout << "to stdout\n";
            std::cerr << "to stderr\n";
            return 7;
        },
        dir.File("run.log"), 10s);
    EXPECT_EQ(r.end, ChildResult::End::Exited);
    EXPECT_EQ(r.exit_code, 7);
    EXPECT_FALSE(r.Succeeded());
    EXPECT_EQ(r.Describe(), "exit status 7");
    const auto log = testkit::ReadFile(dir.File("run.log"));
    EXPECT_NE(log.find("to stdout"), std::string::npos) << log;
    EXPECT_NE(log.find("to stderr"), std::string::npos) << log;
}

TEST(RunInChild, ChildStateDoesNotReachTheParent) {
    int value = 1;
    const auto r = RunInChild(
        [&] {
            value = 2;
            return 0;
        },
        "", 10s);
    EXPECT_TRUE(r.Succeeded());
    EXPECT_EQ(value, 1);
}

// abort(), not a segmentation fault: AddressSanitizer turns SIGSEGV into its own report and
// exit status 1, which the sanitizer build of this test would see instead of a signal.
TEST(RunInChild, CrashIsReportedNotFatal) {
    testkit::TempDir dir("cmslab-child");
    const auto r = RunInChild(
        [] {
            std::abort();
            return 0;
        },
        dir.File("run.log"), 10s);
    EXPECT_EQ(r.end, ChildResult::End::Signalled);
    EXPECT_EQ(r.signal, SIGABRT);
    EXPECT_NE(r.Describe().find("crashed (signal 6"), std::string::npos) << r.Describe();
}

TEST(RunInChild, ExceptionEndsTheChildWithStatus3) {
    testkit::TempDir dir("cmslab-child");
    const auto r =
        RunInChild([]() -> int { throw std::runtime_error("boom"); }, dir.File("run.log"), 10s);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(testkit::ReadFile(dir.File("run.log")).find("boom"), std::string::npos);
}

TEST(RunInChild, HangIsKilledAtTheDeadline) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = RunInChild(
        [] {
            for (;;)
                std::this_thread::sleep_for(1s);
            return 0;
        },
        "", 300ms);
    EXPECT_EQ(r.end, ChildResult::End::TimedOut);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_NE(r.Describe().find("timed out"), std::string::npos);
}

TEST(RunInChild, UnwritableLogIsNotStarted) {
    const auto r = RunInChild([] { return 0; }, "/nonexistent-dir/run.log", 1s);
    EXPECT_EQ(r.end, ChildResult::End::NotStarted);
    EXPECT_NE(r.problem.find("/nonexistent-dir/run.log"), std::string::npos);
}

TEST(Junit, CasesCountsAndEscaping) {
    std::vector<JunitCase> cases(4);
    cases[0].name = "ok-one";
    cases[1].name = "differs";
    cases[1].kind = JunitCase::Kind::Failed;
    cases[1].message = "stage ice: expected ok, got failed";
    cases[1].text = "stage ice: expected ok, got failed (<no media> & \"gave up\")\n";
    cases[2].name = "broken";
    cases[2].kind = JunitCase::Kind::Error;
    cases[2].message = "does not load";
    cases[3].name = "nothing";
    cases[3].kind = JunitCase::Kind::Skipped;
    cases[3].message = "no expect block";
    for (auto& c : cases)
        c.classname = "cmslab.check";
    const std::string xml = JunitXml("cmslab check", cases);
    EXPECT_NE(xml.find("<testsuite name=\"cmslab check\" tests=\"4\" failures=\"1\" errors=\"1\" "
                       "skipped=\"1\""),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<testcase name=\"ok-one\" classname=\"cmslab.check\" time=\"0.000\">\n    "
                       "</testcase>"),
              std::string::npos)
        << xml;
    EXPECT_NE(
        xml.find(
            "<failure message=\"stage ice: expected ok, got failed\" type=\"differs\">stage ice: "
            "expected ok, got failed (&lt;no media&gt; &amp; &quot;gave up&quot;)\n</failure>"),
        std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<error message=\"does not load\" type=\"unusable\"/>"), std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<skipped message=\"no expect block\"/>"), std::string::npos) << xml;
    EXPECT_EQ(XmlEscape(std::string("a\x01"
                                    "b")),
              "a\xEF\xBF\xBD"
              "b");
}

// A stand-in for the simulation: writes the files a run would.
int FakeRun(const scenario::Scenario& s, const std::string& out) {
    std::filesystem::create_directories(out + "/logs");
    std::ofstream(out + "/summary.json")
        << json{{"scenario", s.name},
                {"stages", {{"dns", {{"status", "failed"}, {"detail", "NXDOMAIN"}}}}},
                {"guest_view", {{"screen", "site_unreachable"}}},
                {"diagnosis", {{"verdict", "fault"}, {"summary", "the name does not resolve"}}}}
               .dump();
    std::ofstream(out + "/logs/guest-pc.log") << "2017-05-20 10:00:01.000 browser: dns failed\n";
    return 0;
}

std::string ScenarioWith(const testkit::TempDir& dir, const json& expect) {
    std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
    json s = json::parse(in);
    if (expect.is_null())
        s.erase("expect");
    else
        s["expect"] = expect;
    return dir.Write("s.json", s.dump(1));
}

TEST(CheckScenarioFile, AsExpectedDiffersAndDiagnosis) {
    testkit::TempDir dir("cmslab-checkfile");
    CheckOptions options;
    options.out_root = dir.File("out");
    auto r = CheckScenarioFile(
        ScenarioWith(dir, {{"stages", {{"dns", "failed"}}}, {"guest_view", "site_unreachable"}}),
        options, FakeRun);
    EXPECT_EQ(r.verdict, CheckResult::Verdict::AsExpected) << r.Details();
    EXPECT_EQ(r.out_dir, dir.File("out") + "/reference");
    EXPECT_NE(r.Line().find("reference                as expected"), std::string::npos) << r.Line();

    r = CheckScenarioFile(ScenarioWith(dir, {{"stages", {{"dns", "ok"}}}}), options, FakeRun);
    EXPECT_EQ(r.verdict, CheckResult::Verdict::Differs);
    ASSERT_EQ(r.differences.size(), 1u);
    EXPECT_EQ(r.differences[0].text, "stage dns: expected ok, got failed (NXDOMAIN)");
    EXPECT_NE(r.diagnosis.find("the name does not resolve"), std::string::npos) << r.diagnosis;
    const JunitCase c = r.Junit();
    EXPECT_EQ(c.kind, JunitCase::Kind::Failed);
    EXPECT_NE(c.text.find("stage dns: expected ok, got failed"), std::string::npos);
    EXPECT_NE(c.text.find("the name does not resolve"), std::string::npos) << c.text;
    EXPECT_NE(r.Line().find("DIFFERS (1 difference)"), std::string::npos) << r.Line();
}

TEST(CheckScenarioFile, TwoFilesOfOneNameRunIntoTwoFolders) {
    testkit::TempDir dir("cmslab-checkfile");
    std::set<std::string> used;
    CheckOptions options;
    options.out_root = dir.File("out");
    options.used_out_dirs = &used;
    const auto path = ScenarioWith(dir, {{"guest_view", "site_unreachable"}});
    const auto first = CheckScenarioFile(path, options, FakeRun);
    const auto second = CheckScenarioFile(path, options, FakeRun);
    EXPECT_EQ(first.out_dir, dir.File("out/reference"));
    EXPECT_EQ(second.out_dir, dir.File("out/reference-2"));
    EXPECT_EQ(second.verdict, CheckResult::Verdict::AsExpected) << second.Details();
}

TEST(CheckScenarioFile, OldResultsAreRemovedBeforeTheRun) {
    testkit::TempDir dir("cmslab-checkfile");
    CheckOptions options;
    options.out_root = dir.File("out");
    std::filesystem::create_directories(dir.File("out/reference/logs"));
    dir.Write("out/reference/logs/cms.log", "stale\n");
    dir.Write("out/reference/keep.txt", "mine\n");
    // What other kinds of run leave there (a crowd, a Chromium guest) goes too; a user's
    // own file inside a run's folder stays.
    std::filesystem::create_directories(dir.File("out/reference/screens"));
    dir.Write("out/reference/guests.jsonl", "{}\n");
    dir.Write("out/reference/screens/01-join.png", "png");
    dir.Write("out/reference/logs/my-notes.txt", "mine\n");
    auto r = CheckScenarioFile(
        ScenarioWith(dir, {{"log_lines", json::array({{{"node", "cms"}, {"absent", "stale"}}})}}),
        options, FakeRun);
    EXPECT_EQ(r.verdict, CheckResult::Verdict::Differs) << r.Details();
    EXPECT_NE(r.Details().find("logs/cms.log was not written"), std::string::npos) << r.Details();
    EXPECT_TRUE(std::filesystem::exists(dir.File("out/reference/keep.txt")));
    EXPECT_TRUE(std::filesystem::exists(dir.File("out/reference/logs/my-notes.txt")));
    EXPECT_FALSE(std::filesystem::exists(dir.File("out/reference/guests.jsonl")));
    EXPECT_FALSE(std::filesystem::exists(dir.File("out/reference/screens/01-join.png")));
}

TEST(CheckScenarioFile, CrashOrFailedRunIsUnusableWithItsLog) {
    testkit::TempDir dir("cmslab-checkfile");
    CheckOptions options;
    options.out_root = dir.File("out");
    auto r = CheckScenarioFile(ScenarioWith(dir, {{"guest_view", "in_call"}}), options,
                               [](const scenario::Scenario&, const std::string&) {
                                   std::cerr << "cannot build node x\n";
                                   return 2;
                               });
    EXPECT_EQ(r.verdict, CheckResult::Verdict::Unusable);
    EXPECT_NE(r.problem.find("exit status 2"), std::string::npos) << r.problem;
    EXPECT_NE(r.problem.find("cannot build node x"), std::string::npos) << r.problem;
    EXPECT_EQ(r.Junit().kind, JunitCase::Kind::Error);
}

TEST(CheckScenarioFile, NoExpectBlockIsUnusableWhenNamedSkippedOtherwise) {
    testkit::TempDir dir("cmslab-checkfile");
    CheckOptions options;
    options.out_root = dir.File("out");
    const auto path = ScenarioWith(dir, json());
    auto r = CheckScenarioFile(path, options, FakeRun);
    EXPECT_EQ(r.verdict, CheckResult::Verdict::Unusable);
    EXPECT_NE(r.problem.find("no expect block"), std::string::npos);
    options.named = false;
    r = CheckScenarioFile(path, options, FakeRun);
    EXPECT_EQ(r.verdict, CheckResult::Verdict::Skipped);
    EXPECT_FALSE(std::filesystem::exists(dir.File("out/reference"))) << "nothing ran";
}

TEST(CheckScenarioFile, FileThatDoesNotLoadIsUnusableWithTheLoadersReport) {
    testkit::TempDir dir("cmslab-checkfile");
    CheckOptions options;
    options.out_root = dir.File("out");
    auto r = CheckScenarioFile(ScenarioWith(dir, {{"stages", {{"icee", "ok"}}}}), options, FakeRun);
    EXPECT_EQ(r.verdict, CheckResult::Verdict::Unusable);
    EXPECT_NE(r.problem.find("/expect/stages/icee"), std::string::npos) << r.problem;
}

} // namespace
} // namespace cmslab::check
