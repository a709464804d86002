// Issue 14, capacity: the Expressway-E's TURN relay capacity answered with 508
// Insufficient Capacity and its per-user quota with 486 Allocation Quota Reached (RFC
// 8656), the CMS call's participant limit refusing the guest who would exceed it; each
// seen as a person would (tshark on the captures, the boxes' logs and status page, the
// guest's screen) and named by the diagnosis with the setting to change.
#include "crowd_run.h"

#include "support/temp_dir.h"

#include <gtest/gtest.h>

namespace cmslab::crowdtest {
namespace {

std::size_t FailedAt(const CrowdRun& run, const std::string& stage, const std::string& words) {
    std::size_t n = 0;
    for (const auto& g : run.guests)
        if (g.value("failed_stage", nlohmann::json()).is_string() &&
            g["failed_stage"].get<std::string>() == stage &&
            g.value("detail", "").find(words) != std::string::npos)
            ++n;
    return n;
}

const nlohmann::json& FirstCause(const CrowdRun& run) {
    static const nlohmann::json none = nlohmann::json::object();
    const auto& causes = run.summary["diagnosis"]["causes"];
    return causes.is_array() && !causes.empty() ? causes[0] : none;
}

// 20 guests at once need 40 relays (each browser's and the CMS's for its call); the
// Expressway-E holds 15.
TEST(Capacity, SmallCrowdBeyondRelayCapacityGets508) {
    const CrowdRun run = RunCrowd("crowd-capacity",
                                  [](nlohmann::json& s) {
                                      s["duration"] = 15;
                                      SetCrowd(s, 20, 0.05, 3);
                                      SetTurn(s, "relay_capacity", 15);
                                  },
                                  {});
    ASSERT_TRUE(run.ok) << run.output;
    ASSERT_EQ(run.guests.size(), 20u);

    // tshark: Allocate error responses 508 Insufficient Capacity from the Expressway-E.
    const auto refusals = testkit::TsharkFields(
        run.Out("pcap/dmz.pcap"),
        "stun.type == 0x0113 && stun.att.error.class == 5 && stun.att.error == 8",
        {"ip.src", "udp.srcport", "stun.att.error.reason"});
    ASSERT_FALSE(refusals.empty());
    EXPECT_NE(refusals[0].find("3478|Insufficient Capacity"), std::string::npos) << refusals[0];
    EXPECT_NE(testkit::ReadFile(run.Out("logs/vcse.log")).find("508 Insufficient Capacity"),
              std::string::npos);

    // The guests refused: no relay, the turn stage failed with the server's 508.
    const std::size_t refused = FailedAt(run, "turn", "508");
    EXPECT_GT(refused, 0u);
    const auto& crowd = run.summary["crowd"];
    EXPECT_EQ(crowd["first_failed_stage"].value("turn", 0u), refused);
    EXPECT_EQ(crowd["outcomes"].value("joined", 0u) + refused, 20u);
    EXPECT_EQ(crowd.value("peak_relays", 0), 15);
    // The first guest came early enough to join.
    EXPECT_EQ(run.summary["stages"]["media"].value("status", ""), "ok");

    // The status page: the capacity, its peak, the refusals.
    const auto status = nlohmann::json::parse(testkit::ReadFile(run.Out("status/vcse.json")));
    const auto& limits = status["expressway_e"]["turn"]["limits"];
    EXPECT_EQ(limits.value("relay_capacity", 0), 15);
    EXPECT_EQ(limits.value("peak_relays", 0), 15);
    EXPECT_GT(limits.value("capacity_rejections_508", 0), 0);

    // The diagnosis names the limit and where to change it.
    EXPECT_EQ(run.summary["diagnosis"].value("verdict", ""), "fault");
    EXPECT_EQ(run.summary["diagnosis"].value("failed_stage", ""), "turn");
    const auto& cause = FirstCause(run);
    EXPECT_EQ(cause.value("cause", ""), "turn_relay_capacity") << run.summary["diagnosis"].dump(1);
    EXPECT_NE(cause["fix"].value("setting", "").find("TURN relay capacity"), std::string::npos);
    EXPECT_EQ(cause["fix"].value("current", ""), "15 relays");
    EXPECT_NE(cause["fix"].value("where", "").find("relay_capacity"), std::string::npos);
}

// All guests and the CMS share the turnServers account: a quota of 9 allocations for it
// holds 4 guests and a half.
TEST(Capacity, PerUserQuotaGets486) {
    const CrowdRun run = RunCrowd("crowd-quota",
                                  [](nlohmann::json& s) {
                                      s["duration"] = 15;
                                      SetCrowd(s, 10, 0.05, 3);
                                      SetTurn(s, "per_user_quota", 9);
                                  },
                                  {});
    ASSERT_TRUE(run.ok) << run.output;
    const auto refusals = testkit::TsharkFields(
        run.Out("pcap/dmz.pcap"),
        "stun.type == 0x0113 && stun.att.error.class == 4 && stun.att.error == 86",
        {"stun.att.error.reason"});
    ASSERT_FALSE(refusals.empty());
    EXPECT_EQ(refusals[0], "Allocation Quota Reached");
    EXPECT_GT(FailedAt(run, "turn", "486"), 0u);
    EXPECT_EQ(run.summary["crowd"].value("peak_relays", 0), 9);
    const auto& cause = FirstCause(run);
    EXPECT_EQ(cause.value("cause", ""), "turn_user_quota") << run.summary["diagnosis"].dump(1);
    EXPECT_NE(cause["fix"].value("where", "").find("per_user_quota"), std::string::npos);
    EXPECT_EQ(cause["fix"].value("current", ""), "9 per user");
}

// The space's call holds 5: the sixth guest to get there is refused and told the meeting
// is full; guests after a departure get in again.
TEST(Capacity, ParticipantLimitRefusesTheGuestBeyondIt) {
    const CrowdRun run = RunCrowd("crowd-participants",
                                  [](nlohmann::json& s) {
                                      s["duration"] = 15;
                                      SetCrowd(s, 8, 0.05, 3);
                                      for (auto& node : s["nodes"])
                                          if (node.value("role", "") == "cms")
                                              node["config"]["spaces"][0]["participant_limit"] = 5;
                                  },
                                  {});
    ASSERT_TRUE(run.ok) << run.output;
    ASSERT_EQ(run.guests.size(), 8u);
    std::size_t full = 0;
    for (const auto& g : run.guests) {
        if (g.value("outcome", "") == "joined")
            continue;
        EXPECT_EQ(g.value("failed_stage", ""), "guest_login") << g.dump();
        EXPECT_NE(g.value("detail", "").find("the meeting is full"), std::string::npos) << g.dump();
        EXPECT_EQ(g.value("screen", ""), "join_refused");
        ++full;
    }
    EXPECT_EQ(full, 3u);
    EXPECT_EQ(run.summary["crowd"].value("peak_participants", 0), 5);
    const std::string cms_log = testkit::ReadFile(run.Out("logs/cms.log"));
    EXPECT_NE(cms_log.find("participant limit 5 reached"), std::string::npos);
    const auto& cause = FirstCause(run);
    EXPECT_EQ(cause.value("cause", ""), "call_participant_limit")
        << run.summary["diagnosis"].dump(1);
    EXPECT_NE(cause["fix"].value("where", "").find("callProfiles"), std::string::npos);
    EXPECT_EQ(cause["fix"].value("current", ""), "5 participants");
}

} // namespace
} // namespace cmslab::crowdtest
