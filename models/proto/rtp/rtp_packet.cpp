#include "rtp_packet.h"

namespace cmslab::rtp {

Expected<Bytes> EncodeRtp(const RtpPacket& p) {
    if (p.csrcs.size() > 15)
        return Error{"more than 15 CSRCs"};
    if (p.payload_type > 127)
        return Error{"payload type above 127"};
    if (p.extension && (p.extension->data.size() % 4 != 0 || p.extension->data.size() / 4 > 0xffff))
        return Error{"header extension length is not a multiple of 4 bytes up to 65535 words"};
    ByteWriter w(kRtpFixedHeaderSize + 4 * p.csrcs.size() + p.payload.size() + p.padding + 8);
    std::uint8_t b0 = 2 << 6;
    if (p.padding > 0)
        b0 |= 0x20;
    if (p.extension)
        b0 |= 0x10;
    b0 |= static_cast<std::uint8_t>(p.csrcs.size());
    w.U8(b0);
    w.U8(static_cast<std::uint8_t>((p.marker ? 0x80 : 0) | p.payload_type));
    w.U16(p.sequence);
    w.U32(p.timestamp);
    w.U32(p.ssrc);
    for (auto c : p.csrcs)
        w.U32(c);
    if (p.extension) {
        w.U16(p.extension->profile);
        w.U16(static_cast<std::uint16_t>(p.extension->data.size() / 4));
        w.Append(p.extension->data);
    }
    w.Append(p.payload);
    if (p.padding > 0) {
        w.Zeros(p.padding - 1u);
        w.U8(p.padding);
    }
    return w.Take();
}

Expected<RtpView> ReadRtp(ByteView data) {
    ByteReader r(data);
    std::uint8_t b0 = 0, b1 = 0;
    RtpView v;
    if (!r.U8(b0) || !r.U8(b1) || !r.U16(v.sequence) || !r.U32(v.timestamp) || !r.U32(v.ssrc))
        return Error{"RTP packet shorter than its 12-byte header"};
    if ((b0 >> 6) != 2)
        return Error{"RTP version " + std::to_string(b0 >> 6) + ", expected 2"};
    const bool has_padding = (b0 & 0x20) != 0;
    const bool has_extension = (b0 & 0x10) != 0;
    const unsigned csrc_count = b0 & 0x0f;
    v.marker = (b1 & 0x80) != 0;
    v.payload_type = b1 & 0x7f;
    if (!r.Take(std::size_t{csrc_count} * 4, v.csrcs))
        return Error{"RTP packet truncated in its CSRC list"};
    if (has_extension) {
        std::uint16_t profile = 0, words = 0;
        ByteView body;
        if (!r.U16(profile) || !r.U16(words) || !r.Take(std::size_t{words} * 4, body))
            return Error{"RTP packet truncated in its header extension"};
        v.extension_profile = profile;
        v.extension = body;
    }
    std::size_t payload_len = r.Remaining();
    if (has_padding) {
        if (payload_len == 0)
            return Error{"RTP padding bit set but no padding"};
        const std::uint8_t count = data[data.size - 1];
        if (count == 0)
            return Error{"RTP padding count of zero"};
        if (count > payload_len)
            return Error{"RTP padding longer than the packet"};
        v.padding = count;
        payload_len -= count;
    }
    r.Take(payload_len, v.payload);
    return v;
}

Expected<RtpPacket> DecodeRtp(ByteView data) {
    auto v = ReadRtp(data);
    if (!v)
        return Error{v.Message()};
    RtpPacket p;
    p.marker = v->marker;
    p.payload_type = v->payload_type;
    p.sequence = v->sequence;
    p.timestamp = v->timestamp;
    p.ssrc = v->ssrc;
    ByteReader csrcs(v->csrcs);
    for (std::uint32_t c = 0; csrcs.U32(c);)
        p.csrcs.push_back(c);
    if (v->extension_profile)
        p.extension = HeaderExtension{*v->extension_profile, v->extension.ToBytes()};
    p.payload = v->payload.ToBytes();
    p.padding = v->padding;
    return p;
}

bool IsRtcp(ByteView data) {
    return data.size >= 2 && (data[0] >> 6) == 2 && data[1] >= 192 && data[1] <= 223;
}

} // namespace cmslab::rtp
