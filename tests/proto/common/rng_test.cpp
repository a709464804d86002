#include "common/rng.h"

#include <gtest/gtest.h>

#include <set>

using namespace cmslab;

TEST(Rng, SameSeedSameStreamOtherSeedOtherStream) {
    Rng a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) {
        const auto va = a.U64();
        EXPECT_EQ(va, b.U64());
        EXPECT_NE(va, c.U64());
    }
}

TEST(Rng, ForkDoesNotDependOnDrawsMadeBefore) {
    Rng a(7), b(7);
    b.U64();
    b.U64();
    Rng fa = a.Fork("browser");
    Rng fb = b.Fork("browser");
    EXPECT_EQ(fa.U64(), fb.U64());
    EXPECT_NE(a.Fork("browser").U64(), a.Fork("cms").U64());
}

TEST(Rng, UniformStaysInRangeAndCoversIt) {
    Rng r(1);
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 2000; ++i) {
        const auto v = r.Uniform(24000, 24009);
        ASSERT_GE(v, 24000u);
        ASSERT_LE(v, 24009u);
        seen.insert(v);
    }
    EXPECT_EQ(seen.size(), 10u);
}
