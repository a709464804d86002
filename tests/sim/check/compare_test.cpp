// The comparison of an expect block with a results folder, on folders written by hand:
// each kind of expectation met, missed, and missing its file.
#include "check/compare.h"
#include "check/diagnosis_text.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cmslab::check {
namespace {

using nlohmann::json;

class Results : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(m_dir.Path().empty());
        std::filesystem::create_directories(m_dir.File("logs"));
        std::filesystem::create_directories(m_dir.File("status"));
        json summary = {
            {"scenario", "x"},
            {"stages",
             {{"dns", {{"status", "ok"}, {"t_ms", 1.0}, {"detail", "a -> 1.2.3.4"}}},
              {"http",
               {{"status", "failed"}, {"t_ms", 2.0}, {"detail", "GET / -> 400 Bad Request"}}},
              {"media", {{"status", "not_reached"}, {"t_ms", nullptr}, {"detail", ""}}}}},
            {"guest_view",
             {{"screen", "bad_request"},
              {"title", "Bad Request"},
              {"text", "HTTP 400 Bad Request"}}},
        };
        m_dir.Write("summary.json", summary.dump(2));
        m_dir.Write(
            "logs/vcse.log",
            "2017-05-20 10:00:00.000 general: starting\n"
            "2017-05-20 10:00:01.061 webproxy: Request refused: answered 400 Bad Request\n");
        m_dir.Write("status/cms.json",
                    json{{"cms",
                          {{"faults", json::array({"Web bridge connection failed"})},
                           {"web_bridge", {{"port", 443}, {"join_call_offered", false}}}}}}
                        .dump());
    }
    std::vector<Difference> Compare(const json& expect) {
        return CompareWithExpect(expect, m_dir.Path());
    }
    testkit::TempDir m_dir{"cmslab-check-compare"};
};

std::string All(const std::vector<Difference>& ds) {
    std::string out;
    for (const auto& d : ds)
        out += d.text + "\n";
    return out;
}

TEST_F(Results, EverythingAsExpectedGivesNoDifference) {
    const json expect = {
        {"stages", {{"dns", "ok"}, {"http", "failed"}, {"media", "not_reached"}}},
        {"guest_view", "bad_request"},
        {"log_lines", json::array({{{"node", "vcse"}, {"contains", "answered 400 Bad Request"}},
                                   {{"node", "vcse"}, {"absent", "accepted"}}})},
        {"status",
         json::array({{{"node", "cms"},
                       {"pointer", "/cms/faults/0"},
                       {"equals", "Web bridge connection failed"}},
                      {{"node", "cms"}, {"pointer", "/cms/web_bridge/port"}, {"equals", 443.0}},
                      {{"node", "cms"},
                       {"pointer", "/cms/web_bridge/join_call_offered"},
                       {"equals", false}}})},
    };
    EXPECT_EQ(All(Compare(expect)), "");
}

TEST_F(Results, StageDifferenceSaysExpectedGotAndTheDetail) {
    const auto ds = Compare({{"stages", {{"dns", "ok"}, {"http", "ok"}}}});
    ASSERT_EQ(ds.size(), 1u) << All(ds);
    EXPECT_EQ(ds[0].subject, "stage http");
    EXPECT_EQ(ds[0].text, "stage http: expected ok, got failed (GET / -> 400 Bad Request)");
}

TEST_F(Results, StagesAreReportedInJoinOrder) {
    const auto ds = Compare({{"stages", {{"media", "ok"}, {"dns", "failed"}, {"http", "ok"}}}});
    ASSERT_EQ(ds.size(), 3u) << All(ds);
    EXPECT_EQ(ds[0].subject, "stage dns");
    EXPECT_EQ(ds[1].subject, "stage http");
    EXPECT_EQ(ds[2].subject, "stage media");
    EXPECT_EQ(ds[2].text, "stage media: expected ok, got not_reached");
}

TEST_F(Results, StageTheSummaryLacksIsADifference) {
    const auto ds = Compare({{"stages", {{"ice", "ok"}}}});
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_NE(ds[0].text.find("no such stage"), std::string::npos) << ds[0].text;
}

TEST_F(Results, GuestViewDifferenceShowsWhatTheGuestSaw) {
    const auto ds = Compare({{"guest_view", "in_call"}});
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_EQ(
        ds[0].text,
        "guest view: expected in_call, got bad_request (\"Bad Request\": HTTP 400 Bad Request)");
}

TEST_F(Results, LogLineMissingAndLineThatShouldBeAbsent) {
    const auto ds =
        Compare({{"log_lines", json::array({{{"node", "vcse"}, {"contains", "Request accepted"}},
                                            {{"node", "vcse"}, {"absent", "400 Bad Request"}}})}});
    ASSERT_EQ(ds.size(), 2u) << All(ds);
    EXPECT_EQ(ds[0].text,
              "log vcse: no line contains \"Request accepted\" (2 lines in logs/vcse.log)");
    EXPECT_NE(
        ds[1].text.find("log vcse: line 2 contains \"400 Bad Request\", which should be absent"),
        std::string::npos)
        << ds[1].text;
}

TEST_F(Results, LogOfANodeThatWroteNoneIsADifference) {
    const auto ds = Compare({{"log_lines", json::array({{{"node", "cms"}, {"contains", "x"}}})}});
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_NE(ds[0].text.find("logs/cms.log was not written"), std::string::npos) << ds[0].text;
}

TEST_F(Results, StatusValueDifferentMissingOrPageAbsent) {
    const auto ds = Compare(
        {{"status",
          json::array({
              {{"node", "cms"}, {"pointer", "/cms/web_bridge/join_call_offered"}, {"equals", true}},
              {{"node", "cms"}, {"pointer", "/cms/alarms/0"}, {"equals", "x"}},
              {{"node", "vcsc"}, {"pointer", "/a"}, {"equals", 1}},
          })}});
    ASSERT_EQ(ds.size(), 3u) << All(ds);
    EXPECT_EQ(ds[0].text, "status cms /cms/web_bridge/join_call_offered: expected true, got false");
    EXPECT_EQ(ds[1].text,
              "status cms /cms/alarms/0: expected \"x\", but status/cms.json has nothing there");
    EXPECT_NE(ds[2].text.find("status/vcsc.json was not written"), std::string::npos) << ds[2].text;
}

TEST_F(Results, MissingSummaryIsOneDifference) {
    std::filesystem::remove(m_dir.File("summary.json"));
    const auto ds = Compare({{"stages", {{"dns", "ok"}}}, {"guest_view", "in_call"}});
    ASSERT_EQ(ds.size(), 1u) << All(ds);
    EXPECT_NE(ds[0].text.find("summary.json: missing"), std::string::npos);
}

TEST(ExpectsNothing, EmptyBlocksAndEmptyListsStateNothing) {
    EXPECT_TRUE(ExpectsNothing(json::object()));
    EXPECT_TRUE(ExpectsNothing(json()));
    EXPECT_TRUE(ExpectsNothing({{"stages", json::object()}, {"log_lines", json::array()}}));
    EXPECT_FALSE(ExpectsNothing({{"guest_view", "in_call"}}));
    EXPECT_FALSE(ExpectsNothing({{"stages", {{"dns", "ok"}}}}));
}

TEST(DiagnosisText, AbsentGivesNothing) {
    EXPECT_EQ(DiagnosisText(json{{"stages", json::object()}}), "");
}

TEST(DiagnosisText, HealthySummaryShape) {
    const auto text = DiagnosisText(
        json{{"diagnosis", {{"healthy", false}, {"summary", "TURN credentials differ"}}}});
    EXPECT_NE(text.find("not healthy"), std::string::npos) << text;
    EXPECT_NE(text.find("summary: TURN credentials differ"), std::string::npos) << text;
}

TEST(DiagnosisText, CausesWithFixAndEvidence) {
    const json d = {
        {"verdict", "fault"},
        {"failed_stage", "turn"},
        {"causes", json::array({{{"cause", "turn_credentials_mismatch"},
                                 {"summary", "the CMS TURN password differs"},
                                 {"fix", {{"box", "Cisco Meeting Server"}, {"should_be", "cisco"}}},
                                 {"evidence", json::array({{{"log", "logs/cms.log"},
                                                            {"line", 12},
                                                            {"text", "ICE failure 4"}}})}}})},
        {"expected", json::array()},
        {"limits", json::array({"DTLS not simulated"})}};
    const auto text = DiagnosisText(json{{"diagnosis", d}}, "  ");
    for (const char* part :
         {"  verdict: fault", "failed_stage: turn",
          "cause turn_credentials_mismatch: the CMS TURN password differs",
          "fix:\n      box: Cisco Meeting Server\n      should_be: cisco\n",
          "evidence:\n      - logs/cms.log:12: ICE failure 4\n", "DTLS not simulated"})
        EXPECT_NE(text.find(part), std::string::npos) << part << " in\n" << text;
    // The fix comes before the evidence, whatever the key order of the JSON.
    EXPECT_LT(text.find("fix:"), text.find("evidence:")) << text;
    EXPECT_EQ(text.find("expected"), std::string::npos) << "empty lists are left out:\n" << text;
}

TEST(DiagnosisText, StringAndReadyTextAreShownAsTheyAre) {
    EXPECT_EQ(DiagnosisText(json{{"diagnosis", "all good"}}), "all good\n");
    EXPECT_EQ(
        DiagnosisText(json{{"diagnosis", {{"text", "line 1\nline 2"}, {"verdict", "x"}}}}, "> "),
        "> line 1\n> line 2\n");
}

} // namespace
} // namespace cmslab::check
