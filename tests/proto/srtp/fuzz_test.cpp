// 100,000+ generated inputs into the unprotect paths: random buffers, truncations and
// single-byte mutations of valid packets, oversized CSRC counts and extension lengths.
// Nothing may crash, and nothing forged may be accepted.
#include "common/rng.h"
#include "srtp/session.h"
#include "support/fuzz_input.h"

#include <gtest/gtest.h>

using namespace cmslab;
using cmslab::testkit::RandomBytes;

namespace {

srtp::MasterKey Key() {
    return srtp::MasterKey{Bytes(16, 0x11), Bytes(14, 0x22)};
}

} // namespace

TEST(SrtpFuzz, UnprotectSurvivesGeneratedInputs) {
    Rng rng = Rng(20240601).Fork("srtp-fuzz");
    auto out = std::move(*srtp::Protector::Create(Key()));
    auto in = std::move(*srtp::Unprotector::Create(Key()));

    std::vector<Bytes> valid_rtp;
    std::vector<Bytes> valid_rtcp;
    for (std::uint16_t i = 0; i < 64; ++i) {
        Bytes rtp = RandomBytes(rng, 24 + rng.Uniform(0, 200));
        rtp[0] = static_cast<std::uint8_t>(0x80 | (i % 2 ? 0x10 : 0) | (i % 3));
        if (i % 2) { // a short extension right after the CSRCs
            const std::size_t at = 12 + 4u * (i % 3);
            rtp.resize(std::max(rtp.size(), at + 8));
            rtp[at + 2] = 0;
            rtp[at + 3] = 1;
        }
        rtp[2] = static_cast<std::uint8_t>(i >> 8);
        rtp[3] = static_cast<std::uint8_t>(i);
        auto p = out.ProtectRtp(rtp);
        ASSERT_TRUE(p.Ok()) << p.Message();
        valid_rtp.push_back(*p);
        Bytes rtcp = RandomBytes(rng, 8 + rng.Uniform(0, 100));
        rtcp[0] = 0x80;
        auto c = out.ProtectRtcp(rtcp);
        ASSERT_TRUE(c.Ok());
        valid_rtcp.push_back(*c);
    }

    std::uint64_t accepted_forgeries = 0;
    const int kRounds = 110000;
    for (int round = 0; round < kRounds; ++round) {
        const bool rtcp = round % 2 == 1;
        const auto& pool = rtcp ? valid_rtcp : valid_rtp;
        Bytes input;
        bool mutated = true;
        switch (rng.Uniform(0, 4)) {
        case 0:
            input = RandomBytes(rng, rng.Uniform(0, 300));
            break;
        case 1: { // truncation
            const Bytes& v = pool[rng.Uniform(0, pool.size() - 1)];
            input.assign(v.begin(), v.begin() + static_cast<long>(rng.Uniform(0, v.size() - 1)));
            break;
        }
        case 2: { // one byte changed
            input = pool[rng.Uniform(0, pool.size() - 1)];
            const std::size_t at = rng.Uniform(0, input.size() - 1);
            input[at] ^= static_cast<std::uint8_t>(rng.Uniform(1, 255));
            break;
        }
        case 3: { // oversized CSRC count or extension length on an RTP-looking header
            input = RandomBytes(rng, rng.Uniform(12, 80));
            input[0] = static_cast<std::uint8_t>(0x90 | rng.Uniform(0, 15));
            if (input.size() > 16) {
                input[14] = 0xFF;
                input[15] = 0xFF;
            }
            break;
        }
        default: // a valid packet, possibly a replay
            input = pool[rng.Uniform(0, pool.size() - 1)];
            mutated = false;
            break;
        }
        auto r = rtcp ? in.UnprotectRtcp(input) : in.UnprotectRtp(input);
        if (r.Ok() && mutated)
            ++accepted_forgeries;
    }
    EXPECT_EQ(accepted_forgeries, 0u);
    const auto& c = in.Counters();
    // Every valid packet is accepted once at most; the rest are replays.
    EXPECT_LE(c.accepted, 128u);
    EXPECT_GT(c.accepted, 64u);
    EXPECT_GT(c.replayed, 1000u);
    EXPECT_GT(c.auth_failed, 10000u);
    EXPECT_GT(c.malformed, 1000u);
    EXPECT_EQ(c.accepted + c.replayed + c.auth_failed + c.malformed,
              static_cast<std::uint64_t>(kRounds));
}
