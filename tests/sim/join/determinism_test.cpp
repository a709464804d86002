// Issue 4, check 6: a run is a function of its scenario and seed. The same seed twice gives
// byte-identical captures, key log and API record and an identical summary.json; another
// seed draws other keys, ports and ids but the join ends the same way, stage by stage.
#include "join_run.h"

#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <fstream>

namespace cmslab::jointest {
namespace {

using testkit::ReadFile;

nlohmann::json ReadJson(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in, nullptr, false);
}

// stage -> status ("ok", "failed", "not_reached").
std::map<std::string, std::string> StageStatuses(const nlohmann::json& summary) {
    std::map<std::string, std::string> out;
    if (summary.is_object() && summary.contains("stages"))
        for (const auto& [stage, value] : summary["stages"].items())
            out[stage] = value.value("status", "?");
    return out;
}

class Determinism : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(m_dir.Path().empty());
        ASSERT_TRUE(RunCmslab(m_dir.File("a"), 7));
        ASSERT_TRUE(RunCmslab(m_dir.File("b"), 7));
        ASSERT_TRUE(RunCmslab(m_dir.File("c"), 8));
    }
    std::string File(const std::string& run, const std::string& name) const {
        return m_dir.File(run) + "/" + name;
    }

    testkit::TempDir m_dir{"cmslab-join-seed"};
};

TEST_F(Determinism, SameSeedGivesIdenticalCapturesKeysRecordAndSummary) {
    for (const char* name : {"pcap/guest.pcap", "pcap/public.pcap", "pcap/dmz.pcap",
                             "pcap/internal.pcap", "sslkeys.log", "api/session.log"}) {
        const std::string a = ReadFile(File("a", name));
        EXPECT_FALSE(a.empty()) << name << " is missing or empty";
        EXPECT_TRUE(a == ReadFile(File("b", name)))
            << name << " differs between two runs of seed 7";
    }
    const std::string summary = ReadFile(File("a", "summary.json"));
    ASSERT_FALSE(summary.empty());
    EXPECT_EQ(summary, ReadFile(File("b", "summary.json")));
}

TEST_F(Determinism, OtherSeedGivesTheSameStageOutcomes) {
    const auto a = ReadJson(File("a", "summary.json"));
    const auto c = ReadJson(File("c", "summary.json"));
    const auto stages = StageStatuses(a);
    ASSERT_FALSE(stages.empty()) << "summary.json has no stages";
    EXPECT_EQ(stages, StageStatuses(c));
    // The seed did change the run: otherwise this test proves nothing.
    EXPECT_NE(ReadFile(File("a", "sslkeys.log")), ReadFile(File("c", "sslkeys.log")));
    EXPECT_EQ(a.value("seed", 0), 7);
    EXPECT_EQ(c.value("seed", 0), 8);
}

} // namespace
} // namespace cmslab::jointest
