#include "common/bytes.h"

#include <gtest/gtest.h>

using namespace cmslab;

TEST(Bytes, ReaderReadsBigEndianAndStopsAtTheEnd) {
    const Bytes buf = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    ByteReader r(buf);
    std::uint16_t a = 0;
    std::uint32_t b = 0;
    std::uint16_t c = 0;
    EXPECT_TRUE(r.U16(a));
    EXPECT_TRUE(r.U32(b));
    EXPECT_EQ(a, 0x0102);
    EXPECT_EQ(b, 0x03040506u);
    EXPECT_EQ(r.Remaining(), 1u);
    EXPECT_FALSE(r.U16(c));
    EXPECT_FALSE(r.Ok());
    // Once bad, always bad: a decoder can check once at the end.
    std::uint8_t d = 0;
    EXPECT_FALSE(r.U8(d));
    EXPECT_EQ(r.Remaining(), 0u);
}

TEST(Bytes, WriterPatchesLengthsWrittenEarlier) {
    ByteWriter w;
    w.U16(0);
    w.U32(0xdeadbeef);
    w.PatchU16(0, static_cast<std::uint16_t>(w.Size()));
    EXPECT_EQ(ToHex(w.Buffer()), "0006deadbeef");
}

TEST(Bytes, HexRoundTripAndRejectsGarbage) {
    Bytes out;
    ASSERT_TRUE(FromHex("00 ff A5", out));
    EXPECT_EQ(ToHex(out), "00ffa5");
    EXPECT_FALSE(FromHex("0g", out));
    EXPECT_FALSE(FromHex("abc", out));
}

TEST(Bytes, SubViewIsClamped) {
    const Bytes buf = {1, 2, 3};
    ByteView v(buf);
    EXPECT_EQ(v.Sub(1).size, 2u);
    EXPECT_EQ(v.Sub(2, 10).size, 1u);
    EXPECT_EQ(v.Sub(5).size, 0u);
}
