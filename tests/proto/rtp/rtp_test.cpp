#include "common/rng.h"
#include "rtp/rtcp.h"
#include "rtp/rtp_packet.h"
#include "support/hex.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::rtp;
using cmslab::testkit::Hex;

TEST(RtpPacket, EncodesTheFixedHeaderBitByBit) {
    RtpPacket p;
    p.marker = true;
    p.payload_type = 111; // Opus in WebRTC offers
    p.sequence = 0x1234;
    p.timestamp = 0xdeadbeef;
    p.ssrc = 0x11223344;
    p.payload = {0xaa, 0xbb};
    const auto enc = EncodeRtp(p);
    ASSERT_TRUE(enc) << enc.Message();
    EXPECT_EQ(ToHex(*enc), "80ef1234deadbeef11223344aabb");
    const auto dec = DecodeRtp(*enc);
    ASSERT_TRUE(dec) << dec.Message();
    EXPECT_EQ(*dec, p);
}

TEST(RtpPacket, CsrcExtensionAndPaddingRoundTrip) {
    RtpPacket p;
    p.payload_type = 96;
    p.sequence = 65535;
    p.timestamp = 90000;
    p.ssrc = 0xcafebabe;
    p.csrcs = {1, 2, 3};
    // RFC 8285 one-byte header extension: id 1, len 0 -> one byte of data, then padding.
    p.extension = HeaderExtension{0xBEDE, {0x10, 0x7f, 0x00, 0x00}};
    p.payload = Bytes(20, 0x55);
    p.padding = 4;
    const auto enc = EncodeRtp(p);
    ASSERT_TRUE(enc);
    EXPECT_EQ((*enc)[0], 0x80 | 0x20 | 0x10 | 3) << "V=2, P, X, CC=3";
    EXPECT_EQ(enc->size(), 12u + 12u + 8u + 20u + 4u);
    EXPECT_EQ(ToHex(ByteView(*enc).Sub(24, 4)), "bede0001");
    EXPECT_EQ(ToHex(ByteView(*enc).Sub(enc->size() - 4)), "00000004");
    const auto dec = DecodeRtp(*enc);
    ASSERT_TRUE(dec) << dec.Message();
    EXPECT_EQ(*dec, p);
    // ReadRtp finds the same parts where they lie, copying none.
    const ByteView wire(*enc);
    const auto view = ReadRtp(wire);
    ASSERT_TRUE(view) << view.Message();
    EXPECT_EQ(view->ssrc, p.ssrc);
    EXPECT_EQ(view->sequence, p.sequence);
    EXPECT_EQ(view->csrcs.data, wire.data + 12);
    EXPECT_EQ(view->csrcs.size, 12u);
    EXPECT_EQ(view->extension_profile, std::optional<std::uint16_t>(0xBEDE));
    EXPECT_EQ(view->extension.data, wire.data + 28);
    EXPECT_EQ(view->payload.data, wire.data + 32);
    EXPECT_EQ(view->payload.size, 20u);
    EXPECT_EQ(view->padding, 4);
}

TEST(RtpPacket, RefusesBadInput) {
    const Bytes good = Hex("80ef1234deadbeef11223344aabb");
    struct Case {
        const char* name;
        Bytes bytes;
    };
    const std::vector<Case> cases = {
        {"empty", {}},
        {"11 bytes", Hex("80ef1234deadbeef112233")},
        {"version 1", Hex("40ef1234deadbeef11223344aabb")},
        {"version 0", Hex("00ef1234deadbeef11223344")},
        {"version 3", Hex("c0ef1234deadbeef11223344")},
        {"CSRC count beyond the packet", Hex("82ef1234deadbeef1122334400000001")},
        {"extension header cut", Hex("90ef1234deadbeef11223344bede")},
        {"extension longer than the packet", Hex("90ef1234deadbeef11223344bede0002aabbccdd")},
        {"padding without bytes", Hex("a0ef1234deadbeef11223344")},
        {"padding count zero", Hex("a0ef1234deadbeef11223344aa00")},
        {"padding longer than the payload", Hex("a0ef1234deadbeef11223344aa03")},
    };
    for (const auto& c : cases) {
        const auto d = DecodeRtp(c.bytes);
        EXPECT_FALSE(d) << c.name;
        if (!d) {
            EXPECT_FALSE(d.Message().empty());
        }
    }
    ASSERT_TRUE(DecodeRtp(good));
    // Padding that uses the whole payload is fine.
    const auto all_padding = DecodeRtp(Hex("a0ef1234deadbeef11223344000003"));
    ASSERT_TRUE(all_padding) << all_padding.Message();
    EXPECT_TRUE(all_padding->payload.empty());
    EXPECT_EQ(all_padding->padding, 3);
}

TEST(RtpPacket, EncoderRefusesWhatTheHeaderCannotCarry) {
    RtpPacket p;
    p.csrcs.assign(16, 1);
    EXPECT_FALSE(EncodeRtp(p));
    p.csrcs.clear();
    p.payload_type = 128;
    EXPECT_FALSE(EncodeRtp(p));
    p.payload_type = 0;
    p.extension = HeaderExtension{1, {1, 2, 3}};
    EXPECT_FALSE(EncodeRtp(p));
}

TEST(RtpPacket, RtcpDemuxAndSequenceOrder) {
    EXPECT_TRUE(IsRtcp(Hex("80c80006")));  // SR
    EXPECT_TRUE(IsRtcp(Hex("81c90007")));  // RR
    EXPECT_FALSE(IsRtcp(Hex("80ef1234"))); // PT 111 with marker
    EXPECT_FALSE(IsRtcp(Hex("806f1234")));
    EXPECT_FALSE(IsRtcp(Hex("80")));
    EXPECT_TRUE(SequenceNewer(1, 0));
    EXPECT_TRUE(SequenceNewer(0, 65535)) << "wrap-around";
    EXPECT_FALSE(SequenceNewer(65535, 0));
    EXPECT_FALSE(SequenceNewer(5, 5));
}

TEST(RtcpSenderReport, RoundTripWithReportBlocks) {
    SenderReport sr;
    sr.ssrc = 0x11223344;
    sr.ntp_timestamp = 0xe0b5a5e1'80000000ULL;
    sr.rtp_timestamp = 48000;
    sr.packet_count = 50;
    sr.octet_count = 6000;
    sr.reports.push_back({0x55667788, 25, -3, 0x0001ffff, 12, 0xa5e18000, 65536});
    sr.reports.push_back({0x99aabbcc, 0, 100000, 10, 0, 0, 0});
    const auto enc = EncodeSenderReport(sr);
    ASSERT_TRUE(enc) << enc.Message();
    EXPECT_EQ(enc->size(), 28u + 2 * 24u);
    EXPECT_EQ(ToHex(ByteView(*enc).Sub(0, 4)), "82c80012") << "RC=2, PT=200, length 18 words";
    EXPECT_EQ(ToHex(ByteView(*enc).Sub(32, 4)), "19fffffd") << "fraction 25, loss -3 in 24 bits";
    const auto dec = DecodeSenderReport(*enc);
    ASSERT_TRUE(dec) << dec.Message();
    EXPECT_EQ(*dec, sr);
}

TEST(RtcpSenderReport, RefusesBadInput) {
    SenderReport sr;
    sr.reports.resize(1);
    const Bytes good = *EncodeSenderReport(sr);
    EXPECT_FALSE(DecodeSenderReport(ByteView(good).Sub(0, good.size() - 1)));
    Bytes v1 = good;
    v1[0] = (v1[0] & 0x3f) | 0x40;
    EXPECT_FALSE(DecodeSenderReport(v1));
    Bytes rr = good;
    rr[1] = 201;
    EXPECT_FALSE(DecodeSenderReport(rr));
    Bytes short_len = good;
    short_len[3] = 6; // room for no block, but RC says one
    EXPECT_FALSE(DecodeSenderReport(short_len));
    SenderReport too_many;
    too_many.reports.resize(32);
    EXPECT_FALSE(EncodeSenderReport(too_many));
    SenderReport big_loss;
    big_loss.reports.resize(1);
    big_loss.reports[0].cumulative_lost = 0x800000;
    EXPECT_FALSE(EncodeSenderReport(big_loss));
}

TEST(RtpFuzz, DecodersSurviveGeneratedInput) {
    Rng rng(42);
    RtpPacket base;
    base.payload_type = 111;
    base.csrcs = {7, 8};
    base.extension = HeaderExtension{0xBEDE, Bytes(8, 0x11)};
    base.payload = Bytes(40, 0x22);
    base.padding = 3;
    const Bytes valid_rtp = *EncodeRtp(base);
    SenderReport sr;
    sr.reports.resize(2);
    const Bytes valid_sr = *EncodeSenderReport(sr);
    std::size_t ok = 0, refused = 0;
    for (int i = 0; i < 200000; ++i) {
        const bool rtcp = i % 2 == 1;
        const Bytes& valid = rtcp ? valid_sr : valid_rtp;
        Bytes input;
        switch (rng.Uniform(0, 3)) {
        case 0:
            input.resize(rng.Uniform(0, 80));
            rng.Fill(input.data(), input.size());
            break;
        case 1:
            input.assign(valid.begin(),
                         valid.begin() + static_cast<std::ptrdiff_t>(rng.Uniform(0, valid.size())));
            break;
        case 2:
            input = valid;
            input[rng.Uniform(0, input.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
            break;
        default: // oversized counts and lengths
            input = valid;
            input[0] |= rtcp ? 0x1f : 0x3f;
            input[rtcp ? 3 : input.size() - 1] = 0xff;
            break;
        }
        if (rtcp) {
            const auto d = DecodeSenderReport(input);
            (d ? ok : refused)++;
            if (d) {
                ASSERT_LE(28 + 24 * d->reports.size(), input.size());
            }
        } else {
            const auto d = DecodeRtp(input);
            (d ? ok : refused)++;
            if (d) {
                // What decodes re-encodes to the same bytes, padding contents aside.
                const auto again = EncodeRtp(*d);
                ASSERT_TRUE(again);
                ASSERT_EQ(again->size(), input.size());
            }
        }
    }
    EXPECT_GT(ok, 10000u);
    EXPECT_GT(refused, 10000u);
}
