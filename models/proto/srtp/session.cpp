#include "srtp/session.h"

#include <openssl/crypto.h>

#include <cstring>

namespace cmslab::srtp {

namespace {

constexpr std::size_t kRtcpHeaderLength = 8;

std::uint32_t ReadU32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}

void WriteU32(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

// IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), section 4.1.1; the same for
// SRTCP with the 31-bit SRTCP index.
Iv MakeIv(const Bytes& salt, std::uint32_t ssrc, std::uint64_t index) {
    Iv iv{};
    for (std::size_t i = 0; i < kSessionSaltLength && i < salt.size(); ++i)
        iv[i] = salt[i];
    for (int i = 0; i < 4; ++i)
        iv[4 + i] ^= static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    for (int i = 0; i < 6; ++i)
        iv[13 - i] ^= static_cast<std::uint8_t>(index >> (8 * i));
    return iv;
}

// HMAC-SHA1 over the authenticated portion and what follows it unsent (SRTP's ROC), cut
// to 80 bits.
bool Tag(HmacSha1& auth, ByteView data, ByteView unsent, std::uint8_t out[kAuthTagLength]) {
    return auth.Mac(data, unsent, out, kAuthTagLength);
}

} // namespace

Expected<std::size_t> RtpHeaderLength(ByteView packet) {
    if (packet.size < 12)
        return Error{"shorter than an RTP header"};
    if ((packet[0] >> 6) != 2)
        return Error{"not RTP version 2"};
    std::size_t length = 12 + 4u * (packet[0] & 0x0F);
    if (packet.size < length)
        return Error{"CSRC list cut short"};
    if (packet[0] & 0x10) {
        if (packet.size < length + 4)
            return Error{"header extension cut short"};
        const std::size_t words = (std::size_t{packet[length + 2]} << 8) | packet[length + 3];
        length += 4 + 4 * words;
        if (packet.size < length)
            return Error{"header extension cut short"};
    }
    return length;
}

Expected<KeySet> KeySet::Derive(const MasterKey& master) {
    auto rtp = DeriveSrtpKeys(master);
    if (!rtp)
        return rtp.Err();
    auto rtcp = DeriveSrtcpKeys(master);
    if (!rtcp)
        return rtcp.Err();
    KeySet set;
    set.m_rtp = std::move(*rtp);
    set.m_rtcp = std::move(*rtcp);
    return set;
}

Protector::Protector(KeySet keys)
    : m_keys(std::move(keys)), m_rtp_cipher(m_keys.Rtp().cipher_key),
      m_rtcp_cipher(m_keys.Rtcp().cipher_key), m_rtp_auth(m_keys.Rtp().auth_key),
      m_rtcp_auth(m_keys.Rtcp().auth_key) {}

Expected<Protector> Protector::Create(const MasterKey& master) {
    auto keys = KeySet::Derive(master);
    if (!keys)
        return keys.Err();
    return Protector(std::move(*keys));
}

Expected<Bytes> Protector::ProtectRtp(ByteView rtp) {
    auto header = RtpHeaderLength(rtp);
    if (!header)
        return header.Err();
    const std::uint32_t ssrc = ReadU32(rtp.data + 8);
    const auto sequence = static_cast<std::uint16_t>((rtp[2] << 8) | rtp[3]);
    Stream& stream = m_streams[ssrc];
    const auto index = stream.rollover.Estimate(sequence);
    if (!index)
        return Error{"sequence number too far behind the rollover counter"};
    stream.rollover.Update(*index);

    Bytes out;
    out.reserve(rtp.size + kAuthTagLength);
    out.assign(rtp.begin(), rtp.end());
    if (!m_rtp_cipher.Apply(MakeIv(m_keys.Rtp().salt, ssrc, *index), out.data() + *header,
                            out.size() - *header))
        return Error{"AES-CM failed"};
    // The tag covers the packet and the ROC (section 4.2); the ROC is not sent.
    std::uint8_t roc[4];
    WriteU32(roc, static_cast<std::uint32_t>(*index >> 16));
    std::uint8_t tag[kAuthTagLength];
    if (!Tag(m_rtp_auth, out, ByteView(roc, sizeof roc), tag))
        return Error{"HMAC failed"};
    out.insert(out.end(), tag, tag + kAuthTagLength);
    return out;
}

Expected<Bytes> Protector::ProtectRtcp(ByteView rtcp) {
    if (rtcp.size < kRtcpHeaderLength)
        return Error{"shorter than an RTCP header"};
    if ((rtcp[0] >> 6) != 2)
        return Error{"not RTCP version 2"};
    const std::uint32_t ssrc = ReadU32(rtcp.data + 4);
    Stream& stream = m_streams[ssrc];
    const std::uint32_t index = stream.rtcp_index;
    if (index > 0x7FFFFFFF)
        return Error{"SRTCP index exhausted: the master key must be replaced"};
    stream.rtcp_index = index + 1;

    Bytes out;
    out.reserve(rtcp.size + kSrtcpIndexLength + kAuthTagLength);
    out.assign(rtcp.begin(), rtcp.end());
    if (!m_rtcp_cipher.Apply(MakeIv(m_keys.Rtcp().salt, ssrc, index),
                             out.data() + kRtcpHeaderLength, out.size() - kRtcpHeaderLength))
        return Error{"AES-CM failed"};
    std::uint8_t e_index[4];
    WriteU32(e_index, 0x80000000u | index);
    out.insert(out.end(), e_index, e_index + 4);
    std::uint8_t tag[kAuthTagLength];
    if (!Tag(m_rtcp_auth, out, {}, tag))
        return Error{"HMAC failed"};
    out.insert(out.end(), tag, tag + kAuthTagLength);
    return out;
}

std::uint32_t Protector::Roc(std::uint32_t ssrc) const {
    auto it = m_streams.find(ssrc);
    return it == m_streams.end() ? 0 : it->second.rollover.Roc();
}

Unprotector::Unprotector(KeySet keys)
    : m_keys(std::move(keys)), m_rtp_cipher(m_keys.Rtp().cipher_key),
      m_rtcp_cipher(m_keys.Rtcp().cipher_key), m_rtp_auth(m_keys.Rtp().auth_key),
      m_rtcp_auth(m_keys.Rtcp().auth_key) {}

Expected<Unprotector> Unprotector::Create(const MasterKey& master) {
    auto keys = KeySet::Derive(master);
    if (!keys)
        return keys.Err();
    return Unprotector(std::move(*keys));
}

Error Unprotector::Refuse(std::uint64_t UnprotectCounters::*counter, const char* why) {
    ++(m_counters.*counter);
    return Error{why};
}

Expected<Bytes> Unprotector::UnprotectRtp(ByteView srtp) {
    if (srtp.size < kAuthTagLength)
        return Refuse(&UnprotectCounters::malformed, "shorter than an authentication tag");
    const ByteView authenticated = srtp.Sub(0, srtp.size - kAuthTagLength);
    auto header = RtpHeaderLength(authenticated);
    if (!header)
        return Refuse(&UnprotectCounters::malformed, "not an SRTP packet");
    const std::uint32_t ssrc = ReadU32(srtp.data + 8);
    const auto sequence = static_cast<std::uint16_t>((srtp[2] << 8) | srtp[3]);

    // Nothing is stored for an SSRC until one of its packets authenticates, so a flood of
    // forged SSRCs does not grow the map.
    auto it = m_streams.find(ssrc);
    const Stream fresh;
    const Stream& stream = it == m_streams.end() ? fresh : it->second;
    const auto index = stream.rollover.Estimate(sequence);
    if (!index || !stream.rtp_window.Check(*index))
        return Refuse(&UnprotectCounters::replayed, "replayed");

    std::uint8_t roc[4];
    WriteU32(roc, static_cast<std::uint32_t>(*index >> 16));
    std::uint8_t tag[kAuthTagLength];
    if (!Tag(m_rtp_auth, authenticated, ByteView(roc, sizeof roc), tag))
        return Refuse(&UnprotectCounters::malformed, "HMAC failed");
    if (CRYPTO_memcmp(tag, srtp.data + authenticated.size, kAuthTagLength) != 0)
        return Refuse(&UnprotectCounters::auth_failed, "authentication failed");
    Bytes out = authenticated.ToBytes();
    if (!m_rtp_cipher.Apply(MakeIv(m_keys.Rtp().salt, ssrc, *index), out.data() + *header,
                            out.size() - *header))
        return Refuse(&UnprotectCounters::malformed, "AES-CM failed");
    Stream& kept = m_streams[ssrc];
    kept.rollover.Update(*index);
    kept.rtp_window.Accept(*index);
    ++m_counters.accepted;
    return out;
}

Expected<Bytes> Unprotector::UnprotectRtcp(ByteView srtcp) {
    if (srtcp.size < kRtcpHeaderLength + kSrtcpIndexLength + kAuthTagLength)
        return Refuse(&UnprotectCounters::malformed, "shorter than an SRTCP packet");
    if ((srtcp[0] >> 6) != 2)
        return Refuse(&UnprotectCounters::malformed, "not RTCP version 2");
    const ByteView authenticated = srtcp.Sub(0, srtcp.size - kAuthTagLength);
    const std::uint32_t ssrc = ReadU32(srtcp.data + 4);
    const std::uint32_t e_index = ReadU32(authenticated.data + authenticated.size - 4);
    const bool encrypted = (e_index & 0x80000000u) != 0;
    const std::uint32_t index = e_index & 0x7FFFFFFF;

    auto it = m_streams.find(ssrc);
    if (it != m_streams.end() && !it->second.rtcp_window.Check(index))
        return Refuse(&UnprotectCounters::replayed, "replayed");

    std::uint8_t tag[kAuthTagLength];
    if (!Tag(m_rtcp_auth, authenticated, {}, tag))
        return Refuse(&UnprotectCounters::malformed, "HMAC failed");
    if (CRYPTO_memcmp(tag, srtcp.data + authenticated.size, kAuthTagLength) != 0)
        return Refuse(&UnprotectCounters::auth_failed, "authentication failed");

    Bytes out = authenticated.Sub(0, authenticated.size - kSrtcpIndexLength).ToBytes();
    if (encrypted &&
        !m_rtcp_cipher.Apply(MakeIv(m_keys.Rtcp().salt, ssrc, index),
                             out.data() + kRtcpHeaderLength, out.size() - kRtcpHeaderLength))
        return Refuse(&UnprotectCounters::malformed, "AES-CM failed");
    m_streams[ssrc].rtcp_window.Accept(index);
    ++m_counters.accepted;
    return out;
}

std::uint32_t Unprotector::Roc(std::uint32_t ssrc) const {
    auto it = m_streams.find(ssrc);
    return it == m_streams.end() ? 0 : it->second.rollover.Roc();
}

Expected<Session> Session::Create(const MasterKey& local, const MasterKey& remote) {
    auto out = Protector::Create(local);
    if (!out)
        return out.Err();
    auto in = Unprotector::Create(remote);
    if (!in)
        return in.Err();
    return Session{std::move(*out), std::move(*in)};
}

} // namespace cmslab::srtp
