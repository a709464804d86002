// The path in front of a segment: delay, jitter without reordering, seeded loss.
#include "link/path_impairment.h"

#include <gtest/gtest.h>

namespace cmslab::link {
namespace {

using namespace std::chrono_literals;

TEST(PathImpairment, DelayOnlyDeliversEachFrameExactlyThatLater) {
    PathImpairment p({150ms, 0ms, 0}, Rng(1));
    for (int i = 0; i < 100; ++i) {
        const Instant now = Instant(i * 20ms);
        ASSERT_EQ(p.Departure(now), std::optional<Instant>(now + 150ms));
    }
    EXPECT_EQ(p.Lost(), 0u);
}

TEST(PathImpairment, JitterStaysWithinItsBoundAndNeverReorders) {
    PathImpairment p({10ms, 20ms, 0}, Rng(2));
    Instant last{};
    bool varied = false;
    std::optional<Duration> first_wait;
    for (int i = 0; i < 2000; ++i) {
        const Instant now = Instant(i * 1ms); // faster than the jitter: order must hold
        const auto at = p.Departure(now);
        ASSERT_TRUE(at);
        EXPECT_GE(*at, now + 10ms);
        EXPECT_GE(*at, last);
        // Never later than the bound, unless held behind an earlier frame.
        EXPECT_TRUE(*at <= now + 30ms || *at == last) << i;
        if (!first_wait)
            first_wait = *at - now;
        varied = varied || *at - now != *first_wait;
        last = *at;
    }
    EXPECT_TRUE(varied);
}

TEST(PathImpairment, LossIsTheRateAskedAndTheSameForTheSameSeed) {
    PathImpairment a({0ms, 0ms, 0.02}, Rng(3));
    PathImpairment b({0ms, 0ms, 0.02}, Rng(3));
    for (int i = 0; i < 100000; ++i)
        ASSERT_EQ(a.Departure(Instant(i * 1us)).has_value(),
                  b.Departure(Instant(i * 1us)).has_value());
    const double rate = static_cast<double>(a.Lost()) / 100000;
    EXPECT_GT(rate, 0.018);
    EXPECT_LT(rate, 0.022);
    EXPECT_EQ(a.Lost() + a.Passed(), 100000u);
}

TEST(PathImpairment, AnUnimpairedPathSaysSo) {
    EXPECT_FALSE((PathSettings{}).Impaired());
    EXPECT_TRUE((PathSettings{1ms, 0ms, 0}).Impaired());
    EXPECT_TRUE((PathSettings{0ms, 0ms, 0.5}).Impaired());
}

} // namespace
} // namespace cmslab::link
