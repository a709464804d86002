// The expect block is checked when a scenario loads, so a mistyped expectation is an
// error at its JSON pointer before anything runs, not a puzzling difference after a run.
#include "../scenario_test_util.h"

#include "guest_outcome/guest_view.h"
#include "guest_outcome/stage.h"
#include "scenario/schema_validator.h"

#include <gtest/gtest.h>

#include <set>

namespace cmslab::scenario {
namespace {

using nlohmann::json;
using test::HasError;
using test::LoadJson;
using test::ReferenceJson;

LoadResult WithExpect(const json& expect) {
    json doc = ReferenceJson();
    doc["expect"] = expect;
    return LoadJson(doc);
}

TEST(ExpectBlock, ReferenceExpectLoadsWithoutTheOldNotComparedWarning) {
    const LoadResult r = LoadJson(ReferenceJson());
    ASSERT_TRUE(r.Ok()) << r.Report();
    for (const auto& d : r.diagnostics)
        EXPECT_NE(d.pointer.rfind("/expect", 0), 0u) << d.ToString();
    EXPECT_EQ(r.scenario->expect["stages"]["ice"], "ok");
}

TEST(ExpectBlock, AFullBlockLoads) {
    const LoadResult r = WithExpect({
        {"stages", {{"dns", "ok"}, {"http", "failed"}, {"media", "not_reached"}}},
        {"guest_view", "bad_request"},
        {"log_lines", json::array({{{"node", "vcse"}, {"contains", "400"}},
                                   {{"node", "cms"}, {"absent", "ICE failure"}}})},
        {"status", json::array({{{"node", "vcsc"}, {"pointer", "/a/0/b~1c"}, {"equals", 3}},
                                {{"node", "cms"}, {"pointer", ""}, {"equals", json::object()}}})},
    });
    EXPECT_TRUE(r.Ok()) << r.Report();
}

TEST(ExpectBlock, UnknownStageIsAnErrorAtItsPointerWithASuggestion) {
    const LoadResult r = WithExpect({{"stages", {{"icee", "ok"}}}});
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, "/expect/stages/icee", "did you mean \"ice\"")) << r.Report();
}

TEST(ExpectBlock, UnknownStageResultIsAnError) {
    const LoadResult r = WithExpect({{"stages", {{"dns", "passed"}}}});
    EXPECT_TRUE(HasError(r, "/expect/stages/dns")) << r.Report();
}

TEST(ExpectBlock, UnknownScreenIsAnError) {
    const LoadResult r = WithExpect({{"guest_view", "in-call"}});
    EXPECT_TRUE(HasError(r, "/expect/guest_view", "in_call")) << r.Report();
}

TEST(ExpectBlock, UnknownKeyOfTheBlockIsAnError) {
    const LoadResult r = WithExpect({{"guest_veiw", "in_call"}});
    EXPECT_TRUE(HasError(r, "/expect/guest_veiw", "did you mean \"guest_view\"")) << r.Report();
}

TEST(ExpectBlock, UnknownNodeOfALogLineIsAnErrorAtItsPointer) {
    const LoadResult r =
        WithExpect({{"log_lines", json::array({{{"node", "cms"}, {"contains", "x"}},
                                               {{"node", "vcsee"}, {"contains", "x"}}})}});
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(
        HasError(r, "/expect/log_lines/1/node", "no node named \"vcsee\" (did you mean \"vcse\"?)"))
        << r.Report();
    EXPECT_FALSE(HasError(r, "/expect/log_lines/0/node")) << r.Report();
}

TEST(ExpectBlock, LogLineNeedsExactlyOneOfContainsAndAbsent) {
    LoadResult r = WithExpect({{"log_lines", json::array({{{"node", "cms"}}})}});
    EXPECT_TRUE(HasError(r, "/expect/log_lines/0", "give \"contains\"")) << r.Report();
    r = WithExpect(
        {{"log_lines", json::array({{{"node", "cms"}, {"contains", "a"}, {"absent", "b"}}})}});
    EXPECT_TRUE(HasError(r, "/expect/log_lines/0", "not both")) << r.Report();
}

TEST(ExpectBlock, StatusEntryNeedsAKnownNodeAndAWellFormedPointer) {
    LoadResult r = WithExpect(
        {{"status", json::array({{{"node", "nobody"}, {"pointer", "/x"}, {"equals", 1}}})}});
    EXPECT_TRUE(HasError(r, "/expect/status/0/node", "no node named \"nobody\"")) << r.Report();
    r = WithExpect(
        {{"status", json::array({{{"node", "cms"}, {"pointer", "cms/faults"}, {"equals", 1}}})}});
    EXPECT_TRUE(HasError(r, "/expect/status/0/pointer", "starts with '/'")) << r.Report();
    r = WithExpect(
        {{"status", json::array({{{"node", "cms"}, {"pointer", "/a~2"}, {"equals", 1}}})}});
    EXPECT_TRUE(HasError(r, "/expect/status/0/pointer", "'~'")) << r.Report();
    r = WithExpect({{"status", json::array({{{"node", "cms"}, {"pointer", "/x"}}})}});
    EXPECT_TRUE(HasError(r, "/expect/status/0/equals", "missing")) << r.Report();
}

// The schema spells the stage and screen names out for editors and the README; they must
// be the names the run writes into summary.json.
TEST(ExpectBlock, SchemaNamesAreTheOutcomeNames) {
    const json& expect = ScenarioSchema()["properties"]["expect"]["properties"];
    std::set<std::string> stages, schema_stages;
    for (auto stage : outcome::kAllStages)
        stages.insert(outcome::StageKey(stage));
    for (const auto& [key, _] : expect["stages"]["properties"].items())
        schema_stages.insert(key);
    EXPECT_EQ(schema_stages, stages);
    std::set<std::string> screens;
    for (const auto& name : expect["guest_view"]["enum"]) {
        EXPECT_TRUE(outcome::ScreenFromName(name.get<std::string>())) << name;
        screens.insert(name.get<std::string>());
    }
    EXPECT_EQ(screens.size(), 14u) << "every Screen of guest_outcome/guest_view.h";
}

} // namespace
} // namespace cmslab::scenario
