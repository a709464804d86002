#include "guest_outcome/stage.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::outcome;
using namespace std::chrono_literals;

TEST(StageRecorder, StartsWithEveryStageNotReachedInOrder) {
    StageRecorder recorder;
    const char* keys[] = {"dns",         "tcp",  "tls", "certificate", "http", "web_bridge",
                          "guest_login", "turn", "ice", "dtls",        "media"};
    ASSERT_EQ(recorder.All().size(), 11u);
    for (std::size_t i = 0; i < 11; ++i) {
        EXPECT_EQ(StageKey(recorder.All()[i].stage), std::string(keys[i]));
        EXPECT_EQ(recorder.All()[i].status, StageStatus::NotReached);
        EXPECT_EQ(StageFromKey(keys[i]), recorder.All()[i].stage);
    }
    EXPECT_FALSE(StageFromKey("web bridge"));
    EXPECT_FALSE(recorder.FirstFailure());
}

TEST(StageRecorder, FirstVerdictStands) {
    StageRecorder recorder;
    EXPECT_TRUE(recorder.Ok(Stage::Dns, 1500us, "A 10.0.0.1"));
    EXPECT_FALSE(recorder.Fail(Stage::Dns, 2ms, "later"));
    const StageRecord& dns = recorder.Get(Stage::Dns);
    EXPECT_EQ(dns.status, StageStatus::Ok);
    EXPECT_EQ(dns.detail, "A 10.0.0.1");
    EXPECT_DOUBLE_EQ(dns.TimeMs(), 1.5);
}

TEST(StageRecorder, TimeIsWholeMicroseconds) {
    StageRecorder recorder;
    recorder.Ok(Stage::Tcp, std::chrono::nanoseconds(123456789), "");
    EXPECT_DOUBLE_EQ(recorder.Get(Stage::Tcp).TimeMs(), 123.456);
}

TEST(StageRecorder, FirstFailureIsInStageOrderNotTimeOrder) {
    StageRecorder recorder;
    recorder.Fail(Stage::Media, 1s, "none");
    recorder.Fail(Stage::Turn, 2s, "431");
    EXPECT_EQ(recorder.FirstFailure(), Stage::Turn);
}

TEST(StageRecorder, AbandonFailsOnlyStagesInProgress) {
    StageRecorder recorder;
    recorder.Ok(Stage::Turn, 1s, "relay");
    recorder.Begin(Stage::Ice);
    auto failed = recorder.Abandon(30s, "gave up");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0], Stage::Ice);
    EXPECT_EQ(recorder.Get(Stage::Ice).status, StageStatus::Failed);
    EXPECT_EQ(recorder.Get(Stage::Ice).detail, "gave up");
    EXPECT_EQ(recorder.Get(Stage::Turn).status, StageStatus::Ok);
    EXPECT_EQ(recorder.Get(Stage::Dtls).status, StageStatus::NotReached);
}

TEST(StageStatus, NamesRoundTrip) {
    for (StageStatus s : {StageStatus::NotReached, StageStatus::Ok, StageStatus::Failed})
        EXPECT_EQ(StageStatusFromName(StageStatusName(s)), s);
    EXPECT_STREQ(StageStatusName(StageStatus::NotReached), "not_reached");
    EXPECT_FALSE(StageStatusFromName("OK"));
}
