// libsrtp2 (Debian's libsrtp2-dev, the library browsers' ancestors and many SBCs use) as
// the judge of our SRTP: what we protect it must unprotect, and the reverse, across a
// sequence number wrap and for SRTCP.
#include "rtp/rtp_packet.h"
#include "srtp/session.h"

#include <srtp2/srtp.h>

#include <gtest/gtest.h>

using namespace cmslab;

namespace {

struct Libsrtp {
    srtp_t session = nullptr;

    Libsrtp(const srtp::MasterKey& master, srtp_ssrc_type_t direction) {
        Bytes key = master.key;
        key.insert(key.end(), master.salt.begin(), master.salt.end());
        srtp_policy_t policy{};
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
        policy.ssrc.type = direction;
        policy.key = key.data();
        policy.window_size = 128;
        status = srtp_create(&session, &policy);
    }
    ~Libsrtp() {
        if (session)
            srtp_dealloc(session);
    }
    Libsrtp(const Libsrtp&) = delete;
    Libsrtp& operator=(const Libsrtp&) = delete;

    // Runs protect/unprotect in place on a copy with room for the trailer.
    template <class F> std::optional<Bytes> Run(ByteView in, F f) {
        Bytes buf(in.begin(), in.end());
        buf.resize(in.size + SRTP_MAX_TRAILER_LEN + 4);
        int len = static_cast<int>(in.size);
        last = f(session, buf.data(), &len);
        if (last != srtp_err_status_ok)
            return std::nullopt;
        buf.resize(static_cast<std::size_t>(len));
        return buf;
    }

    srtp_err_status_t status = srtp_err_status_fail;
    srtp_err_status_t last = srtp_err_status_ok;
};

srtp::MasterKey Key(std::uint8_t seed) {
    srtp::MasterKey m;
    for (std::uint8_t i = 0; i < 16; ++i)
        m.key.push_back(static_cast<std::uint8_t>(seed * 31 + i * 7));
    for (std::uint8_t i = 0; i < 14; ++i)
        m.salt.push_back(static_cast<std::uint8_t>(seed * 17 + i * 3 + 1));
    return m;
}

// RTP with the marker, a header extension and a payload size that vary with seq.
Bytes VariedRtp(std::uint16_t seq, std::uint32_t ssrc) {
    rtp::RtpPacket p;
    p.payload_type = 111;
    p.marker = seq % 50 == 0;
    p.sequence = seq;
    p.timestamp = 960u * seq;
    p.ssrc = ssrc;
    if (seq % 3 == 0)
        p.extension =
            rtp::HeaderExtension{0xBEDE, Bytes{0x10, static_cast<std::uint8_t>(seq), 0, 0}};
    for (std::size_t i = 0; i < 40u + seq % 120; ++i)
        p.payload.push_back(static_cast<std::uint8_t>(i ^ seq));
    return *rtp::EncodeRtp(p);
}

Bytes ReceiverReport(std::uint32_t ssrc, std::uint32_t n) {
    ByteWriter w; // RR with one report block (RFC 3550 6.4.2), then SDES-less, 32 bytes
    w.U8(0x81);
    w.U8(201);
    w.U16(7);
    w.U32(ssrc);
    w.U32(0x99887766);
    w.U32(n);
    w.U32(65536 + n);
    w.U32(20);
    w.U32(0);
    w.U32(0);
    return w.Take();
}

class LibsrtpInterop : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { ASSERT_EQ(srtp_init(), srtp_err_status_ok); }
};

} // namespace

TEST_F(LibsrtpInterop, LibsrtpUnprotectsOurRtpAcrossTheWrap) {
    const srtp::MasterKey master = Key(1);
    auto ours = std::move(*srtp::Protector::Create(master));
    Libsrtp theirs(master, ssrc_any_inbound);
    ASSERT_EQ(theirs.status, srtp_err_status_ok);
    int accepted = 0;
    for (std::uint32_t i = 0; i < 400; ++i) {
        const auto seq = static_cast<std::uint16_t>(65400 + i); // wraps after 136 packets
        const Bytes clear = VariedRtp(seq, 0xA1B2C3D4);
        auto protected_ = ours.ProtectRtp(clear);
        ASSERT_TRUE(protected_.Ok());
        auto back = theirs.Run(*protected_, srtp_unprotect);
        ASSERT_TRUE(back.has_value()) << "seq " << seq << ": libsrtp error " << theirs.last;
        EXPECT_EQ(*back, clear);
        ++accepted;
    }
    EXPECT_EQ(accepted, 400);
    EXPECT_EQ(ours.Roc(0xA1B2C3D4), 1u);
    // libsrtp agrees that the last packet was sent with ROC 1.
    std::uint32_t roc = 0;
    ASSERT_EQ(srtp_get_stream_roc(theirs.session, 0xA1B2C3D4, &roc), srtp_err_status_ok);
    EXPECT_EQ(roc, 1u);
}

TEST_F(LibsrtpInterop, WeUnprotectLibsrtpRtpAcrossTheWrapAndRefuseItsReplays) {
    const srtp::MasterKey master = Key(2);
    Libsrtp theirs(master, ssrc_any_outbound);
    ASSERT_EQ(theirs.status, srtp_err_status_ok);
    auto ours = std::move(*srtp::Unprotector::Create(master));
    Bytes last;
    for (std::uint32_t i = 0; i < 300; ++i) {
        const auto seq = static_cast<std::uint16_t>(65500 + i);
        const Bytes clear = VariedRtp(seq, 0x01020304);
        auto protected_ = theirs.Run(clear, srtp_protect);
        ASSERT_TRUE(protected_.has_value()) << "libsrtp error " << theirs.last;
        auto back = ours.UnprotectRtp(*protected_);
        ASSERT_TRUE(back.Ok()) << "seq " << seq << ": " << back.Message();
        EXPECT_EQ(*back, clear);
        last = *protected_;
    }
    EXPECT_EQ(ours.Roc(0x01020304), 1u);
    auto replay = ours.UnprotectRtp(last);
    ASSERT_FALSE(replay.Ok());
    EXPECT_EQ(replay.Message(), "replayed");
}

TEST_F(LibsrtpInterop, SrtcpBothWays) {
    const srtp::MasterKey a = Key(3);
    const srtp::MasterKey b = Key(4);
    auto ours_out = std::move(*srtp::Protector::Create(a));
    Libsrtp theirs_in(a, ssrc_any_inbound);
    Libsrtp theirs_out(b, ssrc_any_outbound);
    auto ours_in = std::move(*srtp::Unprotector::Create(b));
    ASSERT_EQ(theirs_in.status, srtp_err_status_ok);
    ASSERT_EQ(theirs_out.status, srtp_err_status_ok);
    for (std::uint32_t n = 0; n < 20; ++n) {
        const Bytes rr = ReceiverReport(0x0BADF00D, n);
        auto to_them = ours_out.ProtectRtcp(rr);
        ASSERT_TRUE(to_them.Ok());
        auto at_them = theirs_in.Run(*to_them, srtp_unprotect_rtcp);
        ASSERT_TRUE(at_them.has_value()) << "report " << n << ": libsrtp error " << theirs_in.last;
        EXPECT_EQ(*at_them, rr);

        auto from_them = theirs_out.Run(rr, srtp_protect_rtcp);
        ASSERT_TRUE(from_them.has_value()) << "libsrtp error " << theirs_out.last;
        auto at_us = ours_in.UnprotectRtcp(*from_them);
        ASSERT_TRUE(at_us.Ok()) << "report " << n << ": " << at_us.Message();
        EXPECT_EQ(*at_us, rr);
    }
}

TEST_F(LibsrtpInterop, LibsrtpRefusesOurPacketUnderAnotherKey) {
    // The judge can say no: the same bytes under a different master key fail its check.
    auto ours = std::move(*srtp::Protector::Create(Key(5)));
    Libsrtp theirs(Key(6), ssrc_any_inbound);
    ASSERT_EQ(theirs.status, srtp_err_status_ok);
    auto protected_ = ours.ProtectRtp(VariedRtp(1, 7));
    ASSERT_TRUE(protected_.Ok());
    EXPECT_FALSE(theirs.Run(*protected_, srtp_unprotect).has_value());
    EXPECT_EQ(theirs.last, srtp_err_status_auth_fail);
}
