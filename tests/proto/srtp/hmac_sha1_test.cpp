// The keyed HMAC-SHA1 of SRTP's authentication against RFC 2202's test vectors, used
// the way SRTP uses it: one key, many messages, each message in two pieces.
#include "srtp/hmac_sha1.h"
#include "support/hex.h"

#include <gtest/gtest.h>

#include <string>

using namespace cmslab;
using namespace cmslab::srtp;
using cmslab::testkit::Hex;

namespace {

struct Vector {
    Bytes key;
    Bytes data;
    Bytes digest;
};

Bytes Repeat(std::uint8_t byte, std::size_t n) {
    return Bytes(n, byte);
}

Bytes Text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// RFC 2202 section 3, test cases 1, 2, 3 and 6 (a key longer than SHA-1's block).
std::vector<Vector> Rfc2202() {
    return {
        {Repeat(0x0b, 20), Text("Hi There"), Hex("b617318655057264e28bc0b6fb378c8ef146be00")},
        {Text("Jefe"), Text("what do ya want for nothing?"),
         Hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")},
        {Repeat(0xaa, 20), Repeat(0xdd, 50), Hex("125d7342b9ac11cd91a39af48aa17b4f63f175d3")},
        {Repeat(0xaa, 80), Text("Test Using Larger Than Block-Size Key - Hash Key First"),
         Hex("aa4ae5e15272d00e95705637ce8a3b55ed402112")},
    };
}

Bytes Mac(HmacSha1& h, ByteView first, ByteView second, std::size_t length = 20) {
    Bytes out(length, 0);
    EXPECT_TRUE(h.Mac(first, second, out.data(), out.size()));
    return out;
}

} // namespace

TEST(HmacSha1, Rfc2202Vectors) {
    for (const Vector& v : Rfc2202()) {
        HmacSha1 h(v.key);
        ASSERT_TRUE(h.Ok());
        EXPECT_EQ(Mac(h, v.data, {}), v.digest);
    }
}

// Keyed once: the second and third messages get the same MAC as a fresh key would give,
// whatever came before (the state of one message does not leak into the next).
TEST(HmacSha1, OneKeyManyMessages) {
    for (const Vector& v : Rfc2202()) {
        HmacSha1 h(v.key);
        EXPECT_EQ(Mac(h, Text("something else first"), {}).size(), 20u);
        EXPECT_EQ(Mac(h, v.data, {}), v.digest);
        EXPECT_EQ(Mac(h, v.data, {}), v.digest);
    }
}

// The message in two pieces at every split gives the MAC of the whole; a shorter output
// is the MAC's first bytes (SRTP's 80-bit tag).
TEST(HmacSha1, TwoPiecesAndTruncation) {
    const Vector v = Rfc2202()[2];
    HmacSha1 h(v.key);
    for (std::size_t cut = 0; cut <= v.data.size(); ++cut) {
        const ByteView all(v.data);
        EXPECT_EQ(Mac(h, all.Sub(0, cut), all.Sub(cut)), v.digest) << cut;
    }
    EXPECT_EQ(Mac(h, v.data, {}, 10), Bytes(v.digest.begin(), v.digest.begin() + 10));
    std::uint8_t too_long[21];
    EXPECT_FALSE(h.Mac(v.data, {}, too_long, sizeof too_long));
}

// Moved from, the object still works where it went.
TEST(HmacSha1, MovesWithItsKey) {
    const Vector v = Rfc2202()[1];
    HmacSha1 a(v.key);
    HmacSha1 b(std::move(a));
    EXPECT_EQ(Mac(b, v.data, {}), v.digest);
}
