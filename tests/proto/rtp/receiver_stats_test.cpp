// RFC 3550 receiver figures: the extended highest sequence number across the 16-bit wrap
// (A.1), expected and lost (A.3), and the interarrival jitter estimator (A.8). The jitter
// cases are worked by hand from the formula J += (|D| - J) / 16.
#include "rtp/receiver_stats.h"

#include <gtest/gtest.h>

namespace cmslab::rtp {
namespace {

constexpr std::uint32_t kClock = 48000;
constexpr std::uint32_t kStep = 960; // 20 ms at 48 kHz

TEST(ReceiverStats, EveryPacketInOrderIsNoLossAndConstantTransitIsNoJitter) {
    ReceiverStats s(kClock);
    for (std::uint32_t i = 0; i < 500; ++i)
        s.Update(static_cast<std::uint16_t>(100 + i), 5000 + i * kStep, 7777 + i * kStep);
    EXPECT_EQ(s.Received(), 500u);
    EXPECT_EQ(s.Expected(), 500u);
    EXPECT_EQ(s.Lost(), 0);
    EXPECT_EQ(s.LossFraction(), 0);
    EXPECT_EQ(s.JitterUnits(), 0);
}

TEST(ReceiverStats, GapsAreLossAcrossTheSequenceWrap) {
    ReceiverStats s(kClock);
    // 65530 .. 65535, 0 .. 9 with 65533 and 2 and 3 missing: 16 expected, 13 received.
    for (std::uint32_t i = 0; i < 16; ++i) {
        const auto seq = static_cast<std::uint16_t>(65530 + i);
        if (seq == 65533 || seq == 2 || seq == 3)
            continue;
        s.Update(seq, i * kStep, i * kStep);
    }
    EXPECT_EQ(s.ExtendedHighest(), 65536u + 9u);
    EXPECT_EQ(s.Expected(), 16u);
    EXPECT_EQ(s.Received(), 13u);
    EXPECT_EQ(s.Lost(), 3);
    EXPECT_DOUBLE_EQ(s.LossFraction(), 3.0 / 16.0);
}

TEST(ReceiverStats, ALatePacketCountsAsReceivedAndADuplicateMakesLossNegative) {
    ReceiverStats s(kClock);
    s.Update(10, 0, 0);
    s.Update(12, 2 * kStep, 2 * kStep);
    s.Update(11, kStep, 3 * kStep); // late, not a wrap
    EXPECT_EQ(s.ExtendedHighest(), 12u);
    EXPECT_EQ(s.Lost(), 0);
    s.Update(12, 2 * kStep, 3 * kStep); // duplicate
    EXPECT_EQ(s.Lost(), -1);
    EXPECT_EQ(s.LossFraction(), 0);
}

TEST(ReceiverStats, JitterFollowsTheEstimatorOfA8) {
    ReceiverStats s(kClock);
    // Transit alternates 0 and +480 units (10 ms): |D| is 480 from the second packet on.
    double expected = 0;
    for (std::uint32_t i = 0; i < 40; ++i) {
        const std::int64_t transit = (i % 2) ? 480 : 0;
        s.Update(static_cast<std::uint16_t>(i), i * kStep, i * kStep + transit);
        if (i > 0)
            expected += (480 - expected) / 16;
    }
    EXPECT_NEAR(s.JitterUnits(), expected, 1e-9);
    EXPECT_NEAR(s.JitterMs(), expected * 1000 / kClock, 1e-9);
    // After enough packets the estimate approaches the constant |D|: 10 ms.
    EXPECT_GT(s.JitterMs(), 9.0);
    EXPECT_LT(s.JitterMs(), 10.0);
}

TEST(ReceiverStats, AHugeJumpRestartsTheCount) {
    ReceiverStats s(kClock);
    for (std::uint16_t i = 0; i < 10; ++i)
        s.Update(i, i * kStep, i * kStep);
    s.Update(40000, 0, 0); // a new source or a restart, not 39990 lost packets
    EXPECT_EQ(s.Expected(), 1u);
    EXPECT_EQ(s.Lost(), 0);
}

} // namespace
} // namespace cmslab::rtp
