// The tunnel multiplexer codec: every frame type round trips, the stream decoder gives the
// same frames whatever the split, and generated garbage never crashes it.
#include "tunnel_mux.h"

#include "common/rng.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::expressway;

namespace {

std::vector<MuxFrame> Samples() {
    Bytes big(kMaxMuxData);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<std::uint8_t>(i * 7);
    return {
        MuxFrame::MakeOpen(1, "https", "cmsweb.example.com"),
        MuxFrame::MakeData(1, ByteView("GET / HTTP/1.1\r\nHost: cmsweb.example.com\r\n\r\n")),
        MuxFrame::MakeData(7, big),
        MuxFrame::MakeData(3, Bytes{}),
        MuxFrame::MakeClose(1),
        MuxFrame::MakeReset(0xffffffffu, "web bridge connect failure"),
        MuxFrame::MakeKeepalive(false),
        MuxFrame::MakeKeepalive(true),
        MuxFrame::MakeWebBridges({"cmsweb.example.com", "https://meet.example.org:443"}),
        MuxFrame::MakeWebBridges({}),
    };
}

Bytes All() {
    Bytes all;
    for (const MuxFrame& f : Samples()) {
        Bytes b = *EncodeMuxFrame(f);
        all.insert(all.end(), b.begin(), b.end());
    }
    return all;
}

std::vector<MuxFrame> DrainAll(MuxDecoder& d) {
    std::vector<MuxFrame> out;
    while (true) {
        auto n = d.Next();
        EXPECT_TRUE(n.Ok()) << n.Message();
        if (!n || !n->has_value())
            return out;
        out.push_back(std::move(**n));
    }
}

} // namespace

TEST(TunnelMux, EveryFrameRoundTrips) {
    for (const MuxFrame& f : Samples()) {
        auto bytes = EncodeMuxFrame(f);
        ASSERT_TRUE(bytes.Ok()) << f.ToString() << ": " << bytes.Message();
        auto back = DecodeMuxFrame(*bytes);
        ASSERT_TRUE(back.Ok()) << f.ToString() << ": " << back.Message();
        EXPECT_EQ(*back, f) << f.ToString();
    }
}

TEST(TunnelMux, WireFormatOfAnOpen) {
    auto bytes = EncodeMuxFrame(MuxFrame::MakeOpen(0x01020304, "https", "a.b"));
    ASSERT_TRUE(bytes.Ok());
    EXPECT_EQ(ToHex(*bytes), "01"
                             "01020304"
                             "0000000c"
                             "0005" +
                                 ToHex(ByteView("https")) + "0003" + ToHex(ByteView("a.b")));
}

TEST(TunnelMux, DecoderGivesTheSameFramesAtEverySplit) {
    const Bytes all = All();
    const std::vector<MuxFrame> expected = Samples();
    for (std::size_t cut = 0; cut <= all.size(); ++cut) {
        MuxDecoder d;
        d.Feed(ByteView(all).Sub(0, cut));
        std::vector<MuxFrame> got = DrainAll(d);
        d.Feed(ByteView(all).Sub(cut));
        std::vector<MuxFrame> rest = DrainAll(d);
        got.insert(got.end(), rest.begin(), rest.end());
        ASSERT_EQ(got, expected) << "cut at " << cut;
        EXPECT_EQ(d.Buffered(), 0u);
    }
}

TEST(TunnelMux, DecoderFedOneByteAtATime) {
    const Bytes all = All();
    MuxDecoder d;
    std::vector<MuxFrame> got;
    for (std::uint8_t b : all) {
        d.Feed(ByteView(&b, 1));
        auto more = DrainAll(d);
        got.insert(got.end(), more.begin(), more.end());
    }
    EXPECT_EQ(got, Samples());
}

TEST(TunnelMux, LargeWritesAreSplitIntoDataFrames) {
    Bytes payload(3 * kMaxMuxData + 5, 0xab);
    const Bytes wire = EncodeMuxData(9, payload);
    MuxDecoder d;
    d.Feed(wire);
    auto frames = DrainAll(d);
    ASSERT_EQ(frames.size(), 4u);
    Bytes joined;
    for (const MuxFrame& f : frames) {
        EXPECT_EQ(f.type, MuxFrameType::Data);
        EXPECT_EQ(f.stream, 9u);
        joined.insert(joined.end(), f.data.begin(), f.data.end());
    }
    EXPECT_EQ(joined, payload);
    EXPECT_TRUE(EncodeMuxData(9, Bytes{}).empty());
}

TEST(TunnelMux, RefusesWhatDoesNotBelong) {
    EXPECT_FALSE(EncodeMuxFrame(MuxFrame::MakeData(1, Bytes(kMaxMuxData + 1))).Ok());
    EXPECT_FALSE(EncodeMuxFrame(MuxFrame::MakeOpen(0, "https", "x")).Ok());
    MuxFrame ka = MuxFrame::MakeKeepalive(false);
    ka.stream = 4;
    EXPECT_FALSE(EncodeMuxFrame(ka).Ok());
    EXPECT_FALSE(EncodeMuxFrame(MuxFrame::MakeOpen(1, std::string(70000, 'x'), "y")).Ok());

    // Unknown type, huge length, trailing bytes, truncated payload, keepalive value 2.
    Bytes b;
    ASSERT_TRUE(FromHex("09 00000001 00000000", b));
    EXPECT_FALSE(DecodeMuxFrame(b).Ok());
    ASSERT_TRUE(FromHex("02 00000001 ffffffff", b));
    EXPECT_FALSE(DecodeMuxFrame(b).Ok());
    ASSERT_TRUE(FromHex("03 00000001 00000001 00", b));
    EXPECT_FALSE(DecodeMuxFrame(b).Ok());
    ASSERT_TRUE(FromHex("01 00000001 00000004 0005 6874", b));
    EXPECT_FALSE(DecodeMuxFrame(b).Ok());
    ASSERT_TRUE(FromHex("05 00000000 00000001 02", b));
    EXPECT_FALSE(DecodeMuxFrame(b).Ok());
}

TEST(TunnelMux, DecoderJudgesAHugeLengthBeforeItsPayloadArrives) {
    Bytes b;
    ASSERT_TRUE(FromHex("02 00000001 7fffffff", b));
    MuxDecoder d;
    d.Feed(b);
    EXPECT_FALSE(d.Next().Ok());
    EXPECT_TRUE(d.Failed());
    d.Feed(All());
    EXPECT_FALSE(d.Next().Ok()) << "the error is sticky";
}

TEST(TunnelMux, Fuzz100kInputs) {
    Rng rng(0x7e55e1);
    const std::vector<MuxFrame> samples = Samples();
    std::vector<Bytes> corpus;
    for (const MuxFrame& f : samples)
        if (f.data.size() < 1000)
            corpus.push_back(*EncodeMuxFrame(f));
    std::size_t decoded = 0;
    for (int i = 0; i < 100000; ++i) {
        Bytes input;
        const Bytes& base = corpus[rng.Uniform(0, corpus.size() - 1)];
        switch (rng.Uniform(0, 4)) {
        case 0: // random bytes
            input.resize(rng.Uniform(0, 64));
            rng.Fill(input.data(), input.size());
            break;
        case 1: // truncation
            input.assign(base.begin(),
                         base.begin() + static_cast<std::ptrdiff_t>(rng.Uniform(0, base.size())));
            break;
        case 2: { // single-byte mutation
            input = base;
            input[rng.Uniform(0, input.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
            break;
        }
        case 3: { // oversized or lying length
            input = base;
            const std::uint32_t len = static_cast<std::uint32_t>(rng.U32());
            for (int k = 0; k < 4; ++k)
                input[5 + k] = static_cast<std::uint8_t>(len >> (24 - 8 * k));
            break;
        }
        default: { // a valid frame with garbage appended
            input = base;
            Bytes tail(rng.Uniform(1, 16));
            rng.Fill(tail.data(), tail.size());
            input.insert(input.end(), tail.begin(), tail.end());
            break;
        }
        }
        auto one = DecodeMuxFrame(input);
        if (one) {
            ++decoded;
            auto again = EncodeMuxFrame(*one);
            ASSERT_TRUE(again.Ok());
            EXPECT_EQ(*again, input) << "a decoded frame re-encodes to its bytes";
        }
        MuxDecoder d;
        const std::size_t cut = rng.Uniform(0, input.size());
        d.Feed(ByteView(input).Sub(0, cut));
        for (int k = 0; k < 4; ++k) {
            auto n = d.Next();
            if (!n || !n->has_value())
                break;
        }
        d.Feed(ByteView(input).Sub(cut));
        for (int k = 0; k < 8; ++k) {
            auto n = d.Next();
            if (!n || !n->has_value())
                break;
        }
    }
    EXPECT_GT(decoded, 1000u) << "the generator also produces valid frames";
}
