// ChannelData framing, the first-byte demultiplexer and the stream framer.
#include "stun/channel_data.h"
#include "stun/demux.h"
#include "stun/integrity.h"
#include "stun/message.h"
#include "stun/stream_framer.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::stun;

TEST(ChannelData, UdpIsNotPaddedTcpIs) {
    const Bytes data = {'h', 'e', 'l', 'l', 'o'};
    const Bytes udp = EncodeChannelData(0x4001, data, false);
    EXPECT_EQ(ToHex(udp), "4001000568656c6c6f");
    const Bytes tcp = EncodeChannelData(0x4001, data, true);
    EXPECT_EQ(ToHex(tcp), "4001000568656c6c6f000000");
    for (const Bytes& wire : {udp, tcp}) {
        const auto cd = DecodeChannelData(wire);
        ASSERT_TRUE(cd.Ok());
        EXPECT_EQ(cd->channel, 0x4001);
        EXPECT_EQ(cd->data, data);
        const auto view = ReadChannelData(wire); // the same data where it lies
        ASSERT_TRUE(view.Ok());
        EXPECT_EQ(view->channel, 0x4001);
        EXPECT_EQ(view->data.data, wire.data() + 4);
        EXPECT_EQ(view->data.size, data.size());
    }
    // Already a multiple of 4: no padding either way.
    EXPECT_EQ(EncodeChannelData(0x4FFF, Bytes{1, 2, 3, 4}, true).size(), 8u);
    EXPECT_EQ(EncodeChannelData(0x4000, Bytes{}, true).size(), 4u);
    const auto empty = DecodeChannelData(EncodeChannelData(0x4000, Bytes{}, false));
    ASSERT_TRUE(empty.Ok());
    EXPECT_TRUE(empty->data.empty());
}

TEST(ChannelData, DecodeRejectsBadChannelsAndShortBuffers) {
    EXPECT_FALSE(DecodeChannelData(Bytes{0x3F, 0xFF, 0, 0}).Ok());
    EXPECT_FALSE(DecodeChannelData(Bytes{0x50, 0x00, 0, 0}).Ok());
    EXPECT_FALSE(DecodeChannelData(Bytes{0x40, 0x00, 0}).Ok());
    EXPECT_FALSE(DecodeChannelData(Bytes{0x40, 0x00, 0, 5, 1, 2, 3, 4}).Ok());
    EXPECT_TRUE(DecodeChannelData(Bytes{0x4F, 0xFF, 0, 0}).Ok());
    EXPECT_TRUE(IsValidChannel(0x4000));
    EXPECT_TRUE(IsValidChannel(0x4FFF));
    EXPECT_FALSE(IsValidChannel(0x5000));
    EXPECT_FALSE(IsValidChannel(0x3FFF));
}

TEST(Demux, FirstByteRangesOfRfc7983) {
    auto kind = [](std::uint8_t b) { return Classify(Bytes{b, 0, 0, 0}); };
    for (int b = 0; b <= 3; ++b)
        EXPECT_EQ(kind(static_cast<std::uint8_t>(b)), PacketKind::Stun);
    for (int b = 16; b <= 19; ++b)
        EXPECT_EQ(kind(static_cast<std::uint8_t>(b)), PacketKind::Zrtp);
    for (int b = 20; b <= 63; ++b)
        EXPECT_EQ(kind(static_cast<std::uint8_t>(b)), PacketKind::Dtls);
    for (int b = 64; b <= 79; ++b)
        EXPECT_EQ(kind(static_cast<std::uint8_t>(b)), PacketKind::ChannelData);
    for (int b = 128; b <= 191; ++b)
        EXPECT_EQ(kind(static_cast<std::uint8_t>(b)), PacketKind::Rtp);
    for (int b : {4, 15, 80, 127, 192, 255})
        EXPECT_EQ(kind(static_cast<std::uint8_t>(b)), PacketKind::Other);
    EXPECT_EQ(Classify(ByteView()), PacketKind::Other);

    Rng rng(2);
    const Bytes stun = Message::Make(Class::Request, method::kBinding, rng).Encode();
    EXPECT_EQ(Classify(stun), PacketKind::Stun);
    EXPECT_TRUE(LooksLikeStun(stun));
    Bytes no_cookie = stun;
    no_cookie[5] ^= 1;
    EXPECT_FALSE(LooksLikeStun(no_cookie));
    EXPECT_EQ(Classify(EncodeChannelData(0x4123, Bytes{1}, false)), PacketKind::ChannelData);
}

namespace {

// A stream of mixed frames: STUN with integrity, padded ChannelData of every residue.
std::vector<Bytes> SampleFrames() {
    Rng rng(42);
    std::vector<Bytes> frames;
    Message alloc = Message::Make(Class::Request, method::kAllocate, rng);
    alloc.AddRequestedTransport(kProtocolUdp);
    EncodeOptions options;
    options.integrity_key = LongTermKey("u", "r", "p");
    options.fingerprint = true;
    frames.push_back(alloc.Encode(options));
    for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 17u}) {
        Bytes data(n);
        rng.Fill(data.data(), n);
        frames.push_back(EncodeChannelData(static_cast<std::uint16_t>(0x4000 + n), data, true));
    }
    Message send = Message::Make(Class::Indication, method::kSend, rng);
    send.AddData(Bytes(33, 0xAB));
    frames.push_back(send.Encode());
    return frames;
}

} // namespace

TEST(StreamFramer, StreamSplitAtEveryByteBoundaryGivesTheSameFrames) {
    const std::vector<Bytes> frames = SampleFrames();
    Bytes stream;
    for (const Bytes& f : frames)
        stream.insert(stream.end(), f.begin(), f.end());

    auto expect_frames = [&](const std::vector<StreamFramer::Frame>& got) {
        ASSERT_EQ(got.size(), frames.size());
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (got[i].kind == StreamFramer::Frame::Kind::Stun) {
                EXPECT_EQ(got[i].bytes, frames[i]);
                EXPECT_TRUE(Message::Decode(got[i].bytes).Ok());
            } else {
                const auto cd = DecodeChannelData(got[i].bytes);
                ASSERT_TRUE(cd.Ok());
                EXPECT_EQ(EncodeChannelData(cd->channel, cd->data, true), frames[i]);
            }
        }
    };

    // One split point at every byte boundary.
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        StreamFramer framer;
        std::vector<StreamFramer::Frame> got;
        framer.Push(ByteView(stream).Sub(0, cut));
        while (auto f = framer.Next())
            got.push_back(*f);
        framer.Push(ByteView(stream).Sub(cut));
        while (auto f = framer.Next())
            got.push_back(*f);
        EXPECT_FALSE(framer.Failed());
        EXPECT_EQ(framer.Buffered(), 0u);
        expect_frames(got);
    }
    // And one byte at a time.
    StreamFramer framer;
    std::vector<StreamFramer::Frame> got;
    for (std::uint8_t b : stream) {
        framer.Push(ByteView(&b, 1));
        while (auto f = framer.Next())
            got.push_back(*f);
    }
    expect_frames(got);
}

TEST(StreamFramer, GarbageOrAnOddStunLengthBreaksTheStream) {
    StreamFramer a;
    a.Push(Bytes{0x80, 0, 0, 0});
    EXPECT_FALSE(a.Next().has_value());
    EXPECT_TRUE(a.Failed());
    EXPECT_FALSE(a.Error().empty());

    StreamFramer b;
    b.Push(Bytes{0x00, 0x01, 0x00, 0x02, 0x21, 0x12, 0xa4, 0x42});
    EXPECT_FALSE(b.Next().has_value());
    EXPECT_TRUE(b.Failed());

    StreamFramer c;
    c.Push(Bytes{0x40, 0x00, 0x00, 0x05, 1});
    EXPECT_FALSE(c.Next().has_value());
    EXPECT_FALSE(c.Failed());
    c.Push(Bytes{2, 3, 4, 5, 0, 0});
    EXPECT_FALSE(c.Next().has_value()); // still one padding byte short
    c.Push(Bytes{0});
    const auto f = c.Next();
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->kind, StreamFramer::Frame::Kind::ChannelData);
    EXPECT_EQ(f->bytes.size(), 9u);
}
