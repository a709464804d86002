// SRTP and SRTCP packet protection with SRTP_AES128_CM_SHA1_80 (RFC 3711): AES-CM
// encryption of the RTP payload (of the RTCP packet after its first 8 bytes), an 80-bit
// HMAC-SHA1 tag, the rollover counter and a 64-packet replay window per SSRC.
//
// One direction's master key gives one Protector (sender) or Unprotector (receiver);
// a DTLS-SRTP endpoint holds a Session: its local keys protect, the peer's unprotect.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"
#include "srtp/aes_cm.h"
#include "srtp/hmac_sha1.h"
#include "srtp/key_derivation.h"
#include "srtp/packet_index.h"
#include "srtp/profile.h"

#include <cstdint>
#include <map>

namespace cmslab::srtp {

// The size of an RTP packet's header (fixed part, CSRC list, extension), or an error when
// it is not RTP version 2 or is cut short.
Expected<std::size_t> RtpHeaderLength(ByteView packet);

// Per-direction session keys, both SRTP and SRTCP, derived once.
class KeySet {
  public:
    static Expected<KeySet> Derive(const MasterKey& master);

    const SessionKeys& Rtp() const { return m_rtp; }
    const SessionKeys& Rtcp() const { return m_rtcp; }

  private:
    SessionKeys m_rtp;
    SessionKeys m_rtcp;
};

class Protector {
  public:
    // Fails when the key or salt has the wrong length.
    static Expected<Protector> Create(const MasterKey& master);

    // RTP in, SRTP out (payload encrypted, tag appended). The index follows the sequence
    // numbers of each SSRC, the ROC counting their wraps.
    Expected<Bytes> ProtectRtp(ByteView rtp);
    // RTCP (a compound packet) in, SRTCP out: encrypted after the first 8 bytes, E flag
    // and a 31-bit index per sender SSRC counting from 0, then the tag.
    Expected<Bytes> ProtectRtcp(ByteView rtcp);

    // The rollover counter used for an SSRC so far (0 if none sent).
    std::uint32_t Roc(std::uint32_t ssrc) const;

  private:
    struct Stream {
        RolloverTracker rollover;
        std::uint32_t rtcp_index = 0;
    };
    Protector(KeySet keys);

    KeySet m_keys;
    AesCm m_rtp_cipher;
    AesCm m_rtcp_cipher;
    HmacSha1 m_rtp_auth;
    HmacSha1 m_rtcp_auth;
    std::map<std::uint32_t, Stream> m_streams;
};

struct UnprotectCounters {
    std::uint64_t accepted = 0;
    std::uint64_t malformed = 0;   // too short, not RTP/RTCP
    std::uint64_t auth_failed = 0; // tag mismatch
    std::uint64_t replayed = 0;    // seen, or older than the window
};

class Unprotector {
  public:
    static Expected<Unprotector> Create(const MasterKey& master);

    // SRTP in, RTP out. Refused: malformed, a tag that does not verify ("authentication
    // failed"), a replayed or too old packet ("replayed"). Only an authenticated packet
    // moves the ROC and the replay window.
    Expected<Bytes> UnprotectRtp(ByteView srtp);
    // SRTCP in, RTCP out, with the same checks on the SRTCP index.
    Expected<Bytes> UnprotectRtcp(ByteView srtcp);

    std::uint32_t Roc(std::uint32_t ssrc) const;
    const UnprotectCounters& Counters() const { return m_counters; }

  private:
    struct Stream {
        RolloverTracker rollover;
        ReplayWindow rtp_window;
        ReplayWindow rtcp_window;
    };
    Unprotector(KeySet keys);
    Error Refuse(std::uint64_t UnprotectCounters::*counter, const char* why);

    KeySet m_keys;
    AesCm m_rtp_cipher;
    AesCm m_rtcp_cipher;
    HmacSha1 m_rtp_auth;
    HmacSha1 m_rtcp_auth;
    std::map<std::uint32_t, Stream> m_streams;
    UnprotectCounters m_counters;
};

// Both directions of one SRTP session.
struct Session {
    Protector outbound;
    Unprotector inbound;

    static Expected<Session> Create(const MasterKey& local, const MasterKey& remote);
};

} // namespace cmslab::srtp
