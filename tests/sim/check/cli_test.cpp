// `cmslab check` and `cmslab diff` as a person or CI runs them: real runs of scenarios
// written into a private folder. The base scenario is the reference deployment with the
// guest typing a call ID the CMS does not know: the join stops at guest login, before any
// media, so these tests hold whatever the media work of the day does.
#include "support/process.h"
#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace cmslab::check {
namespace {

using nlohmann::json;
using testkit::ReadFile;
using testkit::RunProcess;

std::string Binary() {
    return std::string(CMSLAB_BINARY_DIR) + "/cmslab";
}

json Reference() {
    std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
    return json::parse(in);
}

json WrongCallId() {
    json s = Reference();
    s["name"] = "wrong-call-id";
    s["guest"]["call_id"] = "100102";
    s.erase("expect");
    return s;
}

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class CheckCommand : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_FALSE(m_dir.Path().empty()); }

    testkit::ProcessResult Cmslab(std::vector<std::string> args) {
        args.insert(args.begin(), Binary());
        return RunProcess(args, std::chrono::seconds(120));
    }

    // The expect block built from what a plain `cmslab run` of the scenario gives: its
    // stages, screen, a log line, a line that must be absent and a status value.
    json ExpectFromRun(const json& scenario) {
        const auto path = m_dir.Write("probe.json", scenario.dump(1));
        const auto r = Cmslab({"run", path, "--out", m_dir.File("probe")});
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        std::ifstream in(m_dir.File("probe/summary.json"));
        const json summary = json::parse(in, nullptr, false);
        EXPECT_TRUE(summary.is_object());
        json expect;
        for (const auto& [stage, record] : summary["stages"].items())
            expect["stages"][stage] = record["status"];
        expect["guest_view"] = summary["guest_view"]["screen"];
        EXPECT_EQ(expect["guest_view"], "join_refused") << "the base scenario changed behaviour";
        expect["log_lines"] =
            json::array({{{"node", "guest-pc"}, {"contains", "guest_login failed"}},
                         {{"node", "cms"}, {"absent", "ICE failure"}}});
        std::ifstream status(m_dir.File("probe/status/cms.json"));
        const json page = json::parse(status, nullptr, false);
        EXPECT_TRUE(page.contains(json::json_pointer("/cms/web_bridge/join_call_offered")));
        expect["status"] = json::array(
            {{{"node", "cms"},
              {"pointer", "/cms/web_bridge/join_call_offered"},
              {"equals",
               page.value(json::json_pointer("/cms/web_bridge/join_call_offered"), json())}}});
        return expect;
    }

    testkit::TempDir m_dir{"cmslab-check-cli"};
};

TEST_F(CheckCommand, MatchingExpectationsExitZero) {
    json s = WrongCallId();
    s["expect"] = ExpectFromRun(s);
    const auto path = m_dir.Write("wrong-call-id.json", s.dump(1));
    const auto junit = m_dir.File("report.xml");
    const auto r = Cmslab({"check", path, "--out", m_dir.File("out"), "--junit", junit});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "wrong-call-id            as expected")) << r.out;
    EXPECT_TRUE(Contains(r.out, "1 scenario: 1 as expected, 0 differ, 0 unusable")) << r.out;
    const auto xml = ReadFile(junit);
    EXPECT_TRUE(Contains(xml, "<testcase name=\"wrong-call-id\"")) << xml;
    EXPECT_TRUE(Contains(xml, "failures=\"0\" errors=\"0\"")) << xml;
    EXPECT_FALSE(Contains(xml, "<failure")) << xml;
    // The run went where --out said.
    EXPECT_FALSE(ReadFile(m_dir.File("out/wrong-call-id/summary.json")).empty());
}

TEST_F(CheckCommand, OneWrongExpectationExitsOneWithAJunitFailure) {
    json s = WrongCallId();
    s["expect"] = ExpectFromRun(s);
    ASSERT_EQ(s["expect"]["stages"]["guest_login"], "failed");
    s["expect"]["stages"]["guest_login"] = "ok"; // the mistake
    const auto path = m_dir.Write("edited.json", s.dump(1));
    const auto junit = m_dir.File("report.xml");
    const auto r = Cmslab({"check", path, "--out", m_dir.File("out"), "--junit", junit});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "wrong-call-id            DIFFERS (1 difference)")) << r.out;
    EXPECT_TRUE(Contains(r.out, "    stage guest_login: expected ok, got failed (call ID 100102"))
        << r.out;
    const auto xml = ReadFile(junit);
    EXPECT_TRUE(Contains(xml, "failures=\"1\" errors=\"0\"")) << xml;
    EXPECT_TRUE(Contains(
        xml, "<failure message=\"stage guest_login: expected ok, got failed (call ID 100102"))
        << xml;
    EXPECT_TRUE(Contains(xml, "type=\"differs\">stage guest_login: expected ok, got failed"))
        << xml;
}

TEST_F(CheckCommand, WrongLogAndStatusExpectationsAreListed) {
    json s = WrongCallId();
    s["expect"] = ExpectFromRun(s);
    s["expect"]["log_lines"][1] = {{"node", "guest-pc"}, {"absent", "guest_login failed"}};
    s["expect"]["status"][0]["pointer"] = "/cms/no/such/value";
    const auto path = m_dir.Write("edited.json", s.dump(1));
    const auto r = Cmslab({"check", path, "--out", m_dir.File("out")});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "DIFFERS (2 differences)")) << r.out;
    EXPECT_TRUE(Contains(r.out, "log guest-pc: line")) << r.out;
    EXPECT_TRUE(Contains(r.out, "status cms /cms/no/such/value: expected")) << r.out;
}

TEST_F(CheckCommand, BrokenFileExitsTwoWithTheLoadersReport) {
    const auto broken = m_dir.Write("broken.json", "{\"name\": \"x\", ");
    auto r = Cmslab({"check", broken, "--out", m_dir.File("out")});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "UNUSABLE")) << r.out;
    EXPECT_TRUE(Contains(r.out, "not valid JSON")) << r.out;

    json bad = WrongCallId();
    bad["expect"] = {{"stages", {{"guest_logn", "ok"}}}};
    const auto typo = m_dir.Write("typo.json", bad.dump());
    r = Cmslab({"check", typo, "--out", m_dir.File("out")});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "/expect/stages/guest_logn: unknown key")) << r.out;
}

TEST_F(CheckCommand, NamedScenarioWithoutExpectIsUnusable) {
    const auto path = m_dir.Write("plain.json", WrongCallId().dump());
    const auto r = Cmslab({"check", path, "--out", m_dir.File("out")});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "no expect block")) << r.out;
}

TEST_F(CheckCommand, UsageErrorsAndHelp) {
    EXPECT_EQ(Cmslab({"check", "--bogus"}).exit_code, 2);
    EXPECT_EQ(Cmslab({"check", "--timeout", "soon"}).exit_code, 2);
    const auto help = Cmslab({"check", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(Contains(help.out, "--junit FILE")) << help.out;
    EXPECT_TRUE(Contains(help.out, "without an expect block")) << help.out;
    EXPECT_EQ(Cmslab({"diff", "only-one.json"}).exit_code, 2);
    EXPECT_EQ(Cmslab({"diff", "--help"}).exit_code, 0);
}

TEST_F(CheckCommand, DiffShowsTheStagesAMistakeChanges) {
    const json a = WrongCallId();
    json b = a;
    // The mistake of the Bad Request case: Expressway-C proxies the internal URL.
    bool changed = false;
    for (auto& node : b["nodes"])
        if (node.value("role", "") == "expressway_c") {
            node["config"]["meeting_server"]["guest_account_client_uris"] =
                json::array({"cmsweb.cms.octavio.local"});
            changed = true;
        }
    ASSERT_TRUE(changed);
    const auto pa = m_dir.Write("a.json", a.dump());
    const auto pb = m_dir.Write("b.json", b.dump());
    const auto r = Cmslab({"diff", pa, pb, "--out", m_dir.File("diff")});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    for (const char* part :
         {"stages:\n  http: ok -> failed\n", "  web_bridge: ok -> not_reached\n",
          "  guest_login: failed -> not_reached\n", "guest view: join_refused -> bad_request\n",
          "logs/vcse.log:\n", "  + webproxy: Request refused", "status/vcsc.json:\n"})
        EXPECT_TRUE(Contains(r.out, part)) << part << "\nnot in\n" << r.out;
    // Stages that did not change are not listed.
    EXPECT_FALSE(Contains(r.out, "  dns:")) << r.out;
}

TEST_F(CheckCommand, DiffOfTheSameDeploymentWithAnotherSeedShowsNothing) {
    const json a = WrongCallId();
    json b = a;
    b["seed"] = 7;
    const auto pa = m_dir.Write("a.json", a.dump());
    const auto pb = m_dir.Write("b.json", b.dump());
    const auto r = Cmslab({"diff", pa, pb, "--out", m_dir.File("diff")});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "no difference")) << r.out;
}

TEST_F(CheckCommand, DiffOfAFileThatDoesNotLoadExitsTwo) {
    const auto pa = m_dir.Write("a.json", WrongCallId().dump());
    const auto pb = m_dir.Write("b.json", "[]");
    const auto r = Cmslab({"diff", pa, pb, "--out", m_dir.File("diff")});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "b.json")) << r.err;
}

} // namespace
} // namespace cmslab::check
