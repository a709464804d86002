// cmslab mutate as a library: the variants of the reference deployment (at least 100
// valid ones, every kind of the schema's list), each exactly the source with its patch,
// refusals carrying the validator's reasons; and the same derivation on another,
// unrelated deployment, since nothing here may know the reference's names.
#include "mutate/variant.h"
#include "mutate/write_variants.h"
#include "scenario/loader.h"
#include "scenario/schema_validator.h"
#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace cmslab::mutate {
namespace {

using ojson = nlohmann::ordered_json;

std::string SourcePath(const std::string& relative) {
    return std::string(CMSLAB_SOURCE_DIR) + "/" + relative;
}

ojson ReadJson(const std::string& path) {
    std::ifstream in(path);
    return ojson::parse(in);
}

TEST(Mutate, ReferenceGivesAtLeastAHundredValidVariantsEachTheSourceWithItsPatch) {
    testkit::TempDir dir("mutate");
    const std::string source_path = SourcePath("scenarios/reference.json");
    const MutateReport report = WriteVariants(source_path, dir.Path());
    ASSERT_EQ(report.problem, "");
    EXPECT_GE(report.written.size(), 100u);
    const ojson source = ReadJson(source_path);
    std::set<std::string> names;
    for (const auto& v : report.written) {
        SCOPED_TRACE(v.name);
        EXPECT_TRUE(names.insert(v.name).second);
        const std::string file = dir.File(v.name + ".json");
        // Valid as `cmslab validate` judges it, and the mutation block read without a
        // warning.
        const auto loaded = scenario::LoadScenario(file);
        ASSERT_TRUE(loaded.Ok()) << loaded.Report();
        for (const auto& d : loaded.diagnostics)
            EXPECT_EQ(d.pointer.find("/mutation"), std::string::npos) << d.ToString();
        // The file is the source with its patch applied, bookkeeping aside.
        const ojson variant = ReadJson(file);
        ASSERT_TRUE(variant.contains("mutation"));
        const ojson& patch = variant["mutation"]["patch"];
        ASSERT_TRUE(patch.is_array());
        ASSERT_GE(patch.size(), 2u);
        EXPECT_EQ(patch[0]["op"], "test");
        EXPECT_EQ(SettingsOf(source.patch(patch)), SettingsOf(variant));
        EXPECT_NE(SettingsOf(source), SettingsOf(variant)) << "a variant that changes nothing";
        EXPECT_FALSE(variant.contains("expect"));
        EXPECT_NE(variant["description"].get<std::string>().find(
                      variant["mutation"]["change"].get<std::string>()),
                  std::string::npos);
        EXPECT_EQ(variant["mutation"]["source"], "reference.json");
    }
}

TEST(Mutate, EveryKindOfTheSchemaComesOutOfTheReference) {
    testkit::TempDir dir("mutate-kinds");
    const MutateReport report = WriteVariants(SourcePath("scenarios/reference.json"), dir.Path());
    ASSERT_EQ(report.problem, "");
    std::set<std::string> kinds;
    for (const auto& v : report.written)
        kinds.insert(v.document["mutation"]["kind"].get<std::string>());
    const auto& schema_kinds =
        scenario::ScenarioSchema()["properties"]["mutation"]["properties"]["kind"]["enum"];
    for (const auto& k : schema_kinds)
        EXPECT_TRUE(kinds.count(k.get<std::string>())) << k;
    EXPECT_EQ(kinds.size(), schema_kinds.size());
}

TEST(Mutate, RefusedVariantsCarryTheValidatorsReasonAndStayOutOfTheValidOnes) {
    testkit::TempDir dir("mutate-refused");
    const MutateReport report = WriteVariants(SourcePath("scenarios/reference.json"), dir.Path());
    ASSERT_EQ(report.problem, "");
    // A gateway pointed at a host of another network is refused by the loader's
    // addressing checks: the reference has such cases.
    ASSERT_FALSE(report.refused.empty());
    for (const auto& v : report.refused) {
        SCOPED_TRACE(v.name);
        EXPECT_NE(v.refused.find(v.name + ".json: /"), std::string::npos) << v.refused;
        EXPECT_EQ(testkit::ReadFile(dir.File("refused/" + v.name + ".txt")), v.refused);
        EXPECT_EQ(testkit::ReadFile(dir.File(v.name + ".json")), "");
        EXPECT_FALSE(scenario::LoadScenario(dir.File("refused/" + v.name + ".json")).Ok());
    }
}

TEST(Mutate, AnotherDeploymentGetsItsOwnVariants) {
    // The other deployment has other names, addresses and passwords: the same kinds of
    // settings give the same kinds of variants.
    testkit::TempDir dir("mutate-other");
    const std::string source_path = SourcePath("tests/sim/data/other-deployment.json");
    const MutateReport report = WriteVariants(source_path, dir.Path());
    ASSERT_EQ(report.problem, "");
    EXPECT_GE(report.written.size(), 50u);
    const ojson source = ReadJson(source_path);
    std::set<std::string> kinds;
    for (const auto& v : report.written) {
        kinds.insert(v.document["mutation"]["kind"].get<std::string>());
        EXPECT_EQ(SettingsOf(source.patch(v.document["mutation"]["patch"])),
                  SettingsOf(v.document));
    }
    // Its certificates state no validity window (the defaults apply): none to expire.
    for (const char* k :
         {"list_entry_removed", "address_swapped", "port_changed", "boolean_flipped",
          "credential_mismatch", "certificate_self_signed", "trust_list_emptied"})
        EXPECT_TRUE(kinds.count(k)) << k;
}

TEST(Mutate, APatchRefusesASourceWhereTheOldValueIsNotThere) {
    testkit::TempDir dir("mutate-test-op");
    const MutateReport report = WriteVariants(SourcePath("scenarios/reference.json"), dir.Path());
    ASSERT_FALSE(report.written.empty());
    const ojson other = ReadJson(SourcePath("tests/sim/data/other-deployment.json"));
    std::size_t refused = 0;
    for (const auto& v : report.written) {
        try {
            (void)other.patch(v.document["mutation"]["patch"]);
        } catch (const nlohmann::json::exception&) {
            ++refused;
        }
    }
    // The test op holds the reference's own value: on another deployment it fails almost
    // always (a few values, such as a boolean true, are in both).
    EXPECT_GT(refused, report.written.size() * 3 / 4);
}

TEST(Mutate, AnInvalidSourceIsRefusedWithTheLoadersReport) {
    testkit::TempDir dir("mutate-bad");
    const MutateReport report =
        WriteVariants(SourcePath("tests/sim/data/broken-addressing.json"), dir.Path());
    EXPECT_NE(report.problem.find("is not a valid scenario"), std::string::npos) << report.problem;
    EXPECT_TRUE(report.written.empty());
}

TEST(Mutate, AnEarlierMutateIsReplacedNotMixedIn) {
    testkit::TempDir dir("mutate-again");
    dir.Write("stale.json", R"({"name": "stale", "mutation": {}})");
    dir.Write("mine.json", R"({"name": "mine"})");
    const MutateReport report = WriteVariants(SourcePath("scenarios/reference.json"), dir.Path());
    ASSERT_EQ(report.problem, "");
    EXPECT_EQ(testkit::ReadFile(dir.File("stale.json")), "");
    EXPECT_NE(testkit::ReadFile(dir.File("mine.json")), "")
        << "a file mutate did not write is kept";
}

} // namespace
} // namespace cmslab::mutate
