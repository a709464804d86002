#include "box_log.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cmslab::devices {
namespace {

constexpr std::int64_t k20170520T1000Z = 1495274400;

TEST(NatBoxLog, TimestampIsEpochPlusSimulatedTime) {
    EXPECT_EQ(BoxLog::Timestamp(k20170520T1000Z, std::chrono::milliseconds(1123)),
              "2017-05-20 10:00:01.123");
    EXPECT_EQ(BoxLog::Timestamp(k20170520T1000Z, std::chrono::hours(14)),
              "2017-05-21 00:00:00.000");
    EXPECT_EQ(BoxLog::Timestamp(0, std::chrono::microseconds(999)), "1970-01-01 00:00:00.000");
}

TEST(NatBoxLog, WritesStampedLinesToItsFile) {
    char dir_template[] = "/tmp/cmslab-boxlog-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string path = std::string(dir_template) + "/edge-fw.log";
    Instant now{0};
    {
        BoxLog log(
            "edge-fw", k20170520T1000Z, [&] { return now; }, path);
        ASSERT_FALSE(log.Failed());
        now = std::chrono::milliseconds(1123);
        log.Write("firewall", "dropped inbound TCP 1.2.3.4:5 -> 6.7.8.9:445");
        now = std::chrono::seconds(61);
        log.Write("firewall", "second");
        ASSERT_EQ(log.Lines().size(), 2u);
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "2017-05-20 10:00:01.123 firewall: dropped inbound TCP 1.2.3.4:5 -> "
                          "6.7.8.9:445\n2017-05-20 10:01:01.000 firewall: second\n");
    std::filesystem::remove_all(dir_template);
}

TEST(NatBoxLog, UnwritablePathIsReported) {
    BoxLog log("x", 0, nullptr, "/nonexistent-dir/x.log");
    EXPECT_TRUE(log.Failed());
    log.Write("c", "still kept in memory");
    EXPECT_EQ(log.Lines().size(), 1u);
}

} // namespace
} // namespace cmslab::devices
