// SRTP against RFC 3711's own test vectors, then protect/unprotect behaviour: round
// trips, tampering, replays, the rollover counter and SRTCP.
#include "rtp/rtp_packet.h"
#include "srtp/aes_cm.h"
#include "srtp/key_derivation.h"
#include "srtp/packet_index.h"
#include "srtp/session.h"
#include "support/hex.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::srtp;
using cmslab::testkit::Hex;

namespace {

MasterKey TestKey(std::uint8_t first = 0) {
    MasterKey m;
    for (std::uint8_t i = 0; i < kMasterKeyLength; ++i)
        m.key.push_back(static_cast<std::uint8_t>(first + i));
    for (std::uint8_t i = 0; i < kMasterSaltLength; ++i)
        m.salt.push_back(static_cast<std::uint8_t>(0xA0 + first + i));
    return m;
}

Bytes Rtp(std::uint16_t seq, std::uint32_t ssrc = 0x11223344, std::size_t payload = 160) {
    rtp::RtpPacket p;
    p.payload_type = 111;
    p.sequence = seq;
    p.timestamp = 960u * seq;
    p.ssrc = ssrc;
    for (std::size_t i = 0; i < payload; ++i)
        p.payload.push_back(static_cast<std::uint8_t>(i * 7 + seq));
    return *rtp::EncodeRtp(p);
}

Bytes SenderReport(std::uint32_t ssrc) {
    // SR with no report blocks (RFC 3550 6.4.1): 28 bytes, length field 6.
    ByteWriter w;
    w.U8(0x80);
    w.U8(200);
    w.U16(6);
    w.U32(ssrc);
    w.U64(0xE1A2B3C4D5E6F708ull);
    w.U32(123456);
    w.U32(42);
    w.U32(6720);
    return w.Take();
}

} // namespace

// RFC 3711 appendix B.2: the AES-CM keystream for session key 2B7E...3C and the salted
// IV F0F1...FD0000, at the first blocks and around the 16-bit block counter's top.
TEST(SrtpVectors, AesCmKeystreamMatchesAppendixB2) {
    AesCm cipher(Hex("2B7E151628AED2A6ABF7158809CF4F3C"));
    ASSERT_TRUE(cipher.Ok());
    Iv iv{};
    const Bytes offset = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
    std::copy(offset.begin(), offset.end(), iv.begin());
    const Bytes stream = cipher.Keystream(iv, 16 * 0xFF02);
    ASSERT_EQ(stream.size(), 16u * 0xFF02);
    auto block = [&](std::size_t n) { return ToHex(ByteView(stream.data() + 16 * n, 16)); };
    EXPECT_EQ(block(0x0000), "e03ead0935c95e80e166b16dd92b4eb4");
    EXPECT_EQ(block(0x0001), "d23513162b02d0f72a43a2fe4a5f97ab");
    EXPECT_EQ(block(0x0002), "41e95b3bb0a2e8dd477901e4fca894c0");
    EXPECT_EQ(block(0xFEFF), "ec8cdf7398607cb0f2d21675ea9ea1e4");
    EXPECT_EQ(block(0xFF00), "362b7c3c6773516318a077d7fc5073ae");
    EXPECT_EQ(block(0xFF01), "6a2cc3787889374fbeb4c81b17ba6c44");
}

// RFC 3711 appendix B.3: session keys from master key E1F9...39 and salt 0EC6...E6.
TEST(SrtpVectors, KeyDerivationMatchesAppendixB3) {
    const Bytes key = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    const Bytes salt = Hex("0EC675AD498AFEEBB6960B3AABE6");
    EXPECT_EQ(ToHex(*DeriveKey(key, salt, label::kRtpEncryption, 16)),
              "c61e7a93744f39ee10734afe3ff7a087");
    EXPECT_EQ(ToHex(*DeriveKey(key, salt, label::kRtpSalt, 14)), "30cbbc08863d8c85d49db34a9ae1");
    // The appendix lists 94 bytes of authentication key material.
    EXPECT_EQ(ToHex(*DeriveKey(key, salt, label::kRtpAuthentication, 94)),
              "cebe321f6ff7716b6fd4ab49af256a156d38baa48f0a0acf3c34e2359e6cdbce"
              "e049646c43d9327ad175578ef72270986371c10c9a369ac2f94a8c5fbcdddc25"
              "6d6e919a48b610ef17c2041e474035766b68642c59bbfc2f34db60dbdfb2");
    auto keys = DeriveSrtpKeys(MasterKey{key, salt});
    ASSERT_TRUE(keys.Ok());
    EXPECT_EQ(ToHex(keys->auth_key), "cebe321f6ff7716b6fd4ab49af256a156d38baa4");
    // SRTCP keys come from other labels, so they differ.
    auto rtcp = DeriveSrtcpKeys(MasterKey{key, salt});
    ASSERT_TRUE(rtcp.Ok());
    EXPECT_NE(rtcp->cipher_key, keys->cipher_key);
    EXPECT_FALSE(DeriveKey(Bytes(15, 0), salt, 0, 16).Ok());
    EXPECT_FALSE(DeriveKey(key, Bytes(16, 0), 0, 16).Ok());
}

TEST(SrtpIndex, EstimateFollowsAppendixA) {
    RolloverTracker t;
    EXPECT_EQ(t.Estimate(65000), std::optional<std::uint64_t>(65000));
    t.Update(65000);
    // Just after the wrap: ROC + 1.
    EXPECT_EQ(t.Estimate(5), std::optional<std::uint64_t>(65536 + 5));
    // Late packet from before s_l: same ROC.
    EXPECT_EQ(t.Estimate(64000), std::optional<std::uint64_t>(64000));
    t.Update(65536 + 5);
    EXPECT_EQ(t.Roc(), 1u);
    // A packet from before the wrap, arriving late: ROC - 1.
    EXPECT_EQ(t.Estimate(65530), std::optional<std::uint64_t>(65530));
    t.Update(65530); // older: nothing moves back
    EXPECT_EQ(t.Roc(), 1u);
    EXPECT_EQ(t.HighestSequence(), 5);
    // With ROC 0 and s_l small, a "previous ROC" guess does not exist.
    RolloverTracker early;
    early.Update(10);
    EXPECT_EQ(early.Estimate(60000), std::nullopt);
}

TEST(SrtpIndex, ReplayWindowKeeps64) {
    ReplayWindow w;
    EXPECT_TRUE(w.Check(100));
    w.Accept(100);
    EXPECT_FALSE(w.Check(100));
    EXPECT_TRUE(w.Check(99));
    EXPECT_TRUE(w.Check(37));  // 63 behind: inside
    EXPECT_FALSE(w.Check(36)); // 64 behind: outside
    w.Accept(99);
    EXPECT_FALSE(w.Check(99));
    w.Accept(300); // jump: the old bits slide out
    EXPECT_TRUE(w.Check(299));
    EXPECT_FALSE(w.Check(100));
    EXPECT_FALSE(w.Check(300));
}

TEST(SrtpSession, RoundTripEncryptsThePayloadOnly) {
    auto out = Protector::Create(TestKey());
    auto in = Unprotector::Create(TestKey());
    ASSERT_TRUE(out.Ok() && in.Ok());
    const Bytes clear = Rtp(1000);
    auto srtp = out->ProtectRtp(clear);
    ASSERT_TRUE(srtp.Ok()) << srtp.Message();
    ASSERT_EQ(srtp->size(), clear.size() + kAuthTagLength);
    // Header in the clear, payload not.
    EXPECT_TRUE(std::equal(clear.begin(), clear.begin() + 12, srtp->begin()));
    EXPECT_FALSE(std::equal(clear.begin() + 12, clear.end(), srtp->begin() + 12));
    auto back = in->UnprotectRtp(*srtp);
    ASSERT_TRUE(back.Ok()) << back.Message();
    EXPECT_EQ(*back, clear);
    EXPECT_EQ(in->Counters().accepted, 1u);

    // CSRCs and a header extension stay in the clear too.
    rtp::RtpPacket p;
    p.sequence = 1001;
    p.ssrc = 0x11223344;
    p.csrcs = {1, 2};
    p.extension = rtp::HeaderExtension{0xBEDE, Bytes{0x10, 0xAA, 0, 0}};
    p.payload = Bytes(33, 0x55);
    p.padding = 3;
    const Bytes ext = *rtp::EncodeRtp(p);
    auto srtp2 = out->ProtectRtp(ext);
    ASSERT_TRUE(srtp2.Ok());
    EXPECT_TRUE(std::equal(ext.begin(), ext.begin() + 28, srtp2->begin()));
    auto back2 = in->UnprotectRtp(*srtp2);
    ASSERT_TRUE(back2.Ok());
    EXPECT_EQ(*rtp::DecodeRtp(*back2), p);
}

TEST(SrtpSession, TamperedPacketsAndWrongKeysAreRejected) {
    auto out = std::move(*Protector::Create(TestKey()));
    auto in = std::move(*Unprotector::Create(TestKey()));
    const Bytes srtp = *out.ProtectRtp(Rtp(7));
    for (std::size_t i : {std::size_t{2}, std::size_t{20}, srtp.size() - 1}) {
        Bytes bad = srtp;
        bad[i] ^= 0x01;
        auto r = in.UnprotectRtp(bad);
        ASSERT_FALSE(r.Ok()) << "byte " << i;
        EXPECT_EQ(r.Message(), "authentication failed");
    }
    EXPECT_EQ(in.Counters().auth_failed, 3u);
    auto other = std::move(*Unprotector::Create(TestKey(1)));
    EXPECT_FALSE(other.UnprotectRtp(srtp).Ok());
    // The good packet still goes through: failures changed no state.
    EXPECT_TRUE(in.UnprotectRtp(srtp).Ok());
    EXPECT_FALSE(in.UnprotectRtp(Bytes(5, 0x80)).Ok());
    EXPECT_EQ(in.Counters().malformed, 1u);
}

TEST(SrtpSession, ReplayedPacketsAreRejectedAndReorderingIsNot) {
    auto out = std::move(*Protector::Create(TestKey()));
    auto in = std::move(*Unprotector::Create(TestKey()));
    std::vector<Bytes> sent;
    for (std::uint16_t s = 500; s < 600; ++s)
        sent.push_back(*out.ProtectRtp(Rtp(s)));
    ASSERT_TRUE(in.UnprotectRtp(sent[10]).Ok());
    auto again = in.UnprotectRtp(sent[10]);
    ASSERT_FALSE(again.Ok());
    EXPECT_EQ(again.Message(), "replayed");
    ASSERT_TRUE(in.UnprotectRtp(sent[90]).Ok());
    EXPECT_TRUE(in.UnprotectRtp(sent[30]).Ok());  // 60 late: inside the window
    EXPECT_FALSE(in.UnprotectRtp(sent[20]).Ok()); // 70 late: outside
    EXPECT_EQ(in.Counters().replayed, 2u);
}

TEST(SrtpSession, SequenceWrapIncrementsTheRolloverCounter) {
    auto out = std::move(*Protector::Create(TestKey()));
    auto in = std::move(*Unprotector::Create(TestKey()));
    std::uint16_t seq = 65530;
    for (int i = 0; i < 12; ++i, ++seq) {
        const Bytes clear = Rtp(seq);
        auto back = in.UnprotectRtp(*out.ProtectRtp(clear));
        ASSERT_TRUE(back.Ok()) << "seq " << seq << ": " << back.Message();
        EXPECT_EQ(*back, clear);
    }
    EXPECT_EQ(out.Roc(0x11223344), 1u);
    EXPECT_EQ(in.Roc(0x11223344), 1u);

    // A receiver that missed the wrap guesses ROC 1 from the jump back of the sequence:
    // it authenticates because the sender used ROC 1 too. Tags prove which ROC was used:
    // the same RTP bytes protected with ROC 0 and ROC 1 differ.
    auto fresh_out = std::move(*Protector::Create(TestKey()));
    const Bytes with_roc0 = *fresh_out.ProtectRtp(Rtp(6));
    auto wrapped_out = std::move(*Protector::Create(TestKey()));
    (void)wrapped_out.ProtectRtp(Rtp(65535));
    const Bytes with_roc1 = *wrapped_out.ProtectRtp(Rtp(6));
    EXPECT_NE(with_roc0, with_roc1);
    auto listener = std::move(*Unprotector::Create(TestKey()));
    auto talker = std::move(*Protector::Create(TestKey()));
    ASSERT_TRUE(listener.UnprotectRtp(*talker.ProtectRtp(Rtp(65535))).Ok());
    EXPECT_TRUE(listener.UnprotectRtp(with_roc1).Ok());
    EXPECT_EQ(listener.Roc(0x11223344), 1u);
}

TEST(SrtpSession, SrtcpRoundTripWithIndexAndEFlag) {
    auto session_a = std::move(*Session::Create(TestKey(0), TestKey(1)));
    auto session_b = std::move(*Session::Create(TestKey(1), TestKey(0)));
    const Bytes sr = SenderReport(0xCAFEBABE);
    auto first = session_a.outbound.ProtectRtcp(sr);
    auto second = session_a.outbound.ProtectRtcp(sr);
    ASSERT_TRUE(first.Ok() && second.Ok());
    ASSERT_EQ(first->size(), sr.size() + 4 + kAuthTagLength);
    // First 8 bytes clear; E flag set; indices 0 and 1.
    EXPECT_TRUE(std::equal(sr.begin(), sr.begin() + 8, first->begin()));
    EXPECT_EQ(ToHex(ByteView(first->data() + sr.size(), 4)), "80000000");
    EXPECT_EQ(ToHex(ByteView(second->data() + sr.size(), 4)), "80000001");
    EXPECT_NE(*first, *second);
    auto back = session_b.inbound.UnprotectRtcp(*second);
    ASSERT_TRUE(back.Ok()) << back.Message();
    EXPECT_EQ(*back, sr);
    EXPECT_TRUE(session_b.inbound.UnprotectRtcp(*first).Ok());  // reordered, in the window
    EXPECT_FALSE(session_b.inbound.UnprotectRtcp(*first).Ok()); // replayed
    Bytes bad = *first;
    bad[sr.size() + 3] ^= 0x04; // index changed: the tag covers it
    EXPECT_FALSE(session_b.inbound.UnprotectRtcp(bad).Ok());
    // The session's own inbound direction uses the other key: its own packets fail there.
    EXPECT_FALSE(session_a.inbound.UnprotectRtcp(*first).Ok());
    // RTP from B reaches A.
    const Bytes clear = Rtp(1, 0x55667788);
    auto rtp_back = session_a.inbound.UnprotectRtp(*session_b.outbound.ProtectRtp(clear));
    ASSERT_TRUE(rtp_back.Ok());
    EXPECT_EQ(*rtp_back, clear);
}

TEST(SrtpSession, RefusesBadKeysAndNonRtp) {
    EXPECT_FALSE(Protector::Create(MasterKey{Bytes(16, 1), Bytes(12, 1)}).Ok());
    EXPECT_FALSE(Unprotector::Create(MasterKey{Bytes(32, 1), Bytes(14, 1)}).Ok());
    auto out = std::move(*Protector::Create(TestKey()));
    EXPECT_FALSE(out.ProtectRtp(Bytes(11, 0x80)).Ok());
    Bytes v1 = Rtp(1);
    v1[0] = 0x40;
    EXPECT_FALSE(out.ProtectRtp(v1).Ok());
    Bytes cut = Rtp(1, 1, 0);
    cut[0] |= 0x10; // extension bit with no extension
    EXPECT_FALSE(out.ProtectRtp(cut).Ok());
    EXPECT_FALSE(out.ProtectRtcp(Bytes(7, 0x80)).Ok());
}
