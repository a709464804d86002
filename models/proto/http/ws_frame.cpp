#include "ws_frame.h"

namespace cmslab::ws {

namespace {

FrameDecodeResult Invalid(std::uint16_t code, std::string error) {
    FrameDecodeResult r;
    r.status = FrameDecodeResult::Status::Invalid;
    r.close_code = code;
    r.error = std::move(error);
    return r;
}

bool IsKnownOpcode(std::uint8_t op) {
    return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

} // namespace

bool IsValidWireCloseCode(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
           (code >= 3000 && code <= 4999);
}

void ApplyMask(std::uint8_t* data, std::size_t n, const std::array<std::uint8_t, 4>& key,
               std::size_t offset) {
    for (std::size_t i = 0; i < n; ++i)
        data[i] ^= key[(i + offset) & 3];
}

Bytes EncodeFrame(const Frame& frame) {
    ByteWriter w(frame.payload.size() + 14);
    std::uint8_t b0 = static_cast<std::uint8_t>(frame.opcode) & 0x0f;
    if (frame.fin)
        b0 |= 0x80;
    if (frame.rsv1)
        b0 |= 0x40;
    if (frame.rsv2)
        b0 |= 0x20;
    if (frame.rsv3)
        b0 |= 0x10;
    w.U8(b0);
    const std::uint8_t mask_bit = frame.masked ? 0x80 : 0x00;
    const std::uint64_t n = frame.payload.size();
    if (n <= 125) {
        w.U8(mask_bit | static_cast<std::uint8_t>(n));
    } else if (n <= 0xffff) {
        w.U8(mask_bit | 126);
        w.U16(static_cast<std::uint16_t>(n));
    } else {
        w.U8(mask_bit | 127);
        w.U64(n);
    }
    if (!frame.masked) {
        w.Append(frame.payload);
        return w.Take();
    }
    w.Append(ByteView(frame.mask_key.data(), 4));
    Bytes out = w.Take();
    const std::size_t start = out.size();
    out.insert(out.end(), frame.payload.begin(), frame.payload.end());
    ApplyMask(out.data() + start, frame.payload.size(), frame.mask_key);
    return out;
}

FrameDecodeResult DecodeFrame(ByteView data, Role local, std::uint64_t max_payload) {
    FrameDecodeResult incomplete;
    if (data.size < 2)
        return incomplete;
    const std::uint8_t b0 = data[0];
    const std::uint8_t b1 = data[1];
    Frame f;
    f.fin = (b0 & 0x80) != 0;
    f.rsv1 = (b0 & 0x40) != 0;
    f.rsv2 = (b0 & 0x20) != 0;
    f.rsv3 = (b0 & 0x10) != 0;
    const std::uint8_t op = b0 & 0x0f;
    f.masked = (b1 & 0x80) != 0;
    if (f.rsv1 || f.rsv2 || f.rsv3)
        return Invalid(close_code::kProtocolError, "reserved bits set without an extension");
    if (!IsKnownOpcode(op))
        return Invalid(close_code::kProtocolError, "unknown opcode " + std::to_string(op));
    f.opcode = static_cast<Opcode>(op);
    if (local == Role::Server && !f.masked)
        return Invalid(close_code::kProtocolError, "unmasked frame from a client");
    if (local == Role::Client && f.masked)
        return Invalid(close_code::kProtocolError, "masked frame from a server");
    const std::uint8_t len7 = b1 & 0x7f;
    if (IsControl(f.opcode)) {
        if (!f.fin)
            return Invalid(close_code::kProtocolError, "fragmented control frame");
        if (len7 > 125)
            return Invalid(close_code::kProtocolError, "control frame longer than 125 bytes");
    }
    ByteReader r(data);
    r.Skip(2);
    std::uint64_t length = len7;
    if (len7 == 126) {
        std::uint16_t v = 0;
        if (!r.U16(v))
            return incomplete;
        if (v < 126)
            return Invalid(close_code::kProtocolError, "non-minimal 16-bit length");
        length = v;
    } else if (len7 == 127) {
        std::uint64_t v = 0;
        if (!r.U64(v))
            return incomplete;
        if (v >> 63)
            return Invalid(close_code::kProtocolError, "64-bit length with the top bit set");
        if (v <= 0xffff)
            return Invalid(close_code::kProtocolError, "non-minimal 64-bit length");
        length = v;
    }
    if (length > max_payload)
        return Invalid(close_code::kMessageTooBig,
                       "frame payload of " + std::to_string(length) + " bytes exceeds the limit");
    if (f.masked) {
        ByteView key;
        if (!r.Take(4, key))
            return incomplete;
        for (std::size_t i = 0; i < 4; ++i)
            f.mask_key[i] = key[i];
    }
    if (r.Remaining() < length)
        return incomplete;
    ByteView payload;
    r.Take(static_cast<std::size_t>(length), payload);
    f.payload = payload.ToBytes();
    if (f.masked)
        ApplyMask(f.payload.data(), f.payload.size(), f.mask_key);
    FrameDecodeResult done;
    done.status = FrameDecodeResult::Status::Complete;
    done.frame = std::move(f);
    done.consumed = r.Offset();
    return done;
}

void FrameDecoder::Receive(ByteView data) {
    if (data.empty())
        return;
    if (m_pos > 0 && (m_pos == m_buf.size() || m_pos * 2 >= m_buf.size())) {
        m_buf.erase(m_buf.begin(), m_buf.begin() + static_cast<std::ptrdiff_t>(m_pos));
        m_pos = 0;
    }
    m_buf.insert(m_buf.end(), data.begin(), data.end());
}

FrameDecodeResult FrameDecoder::Next() {
    if (m_failed)
        return m_failure;
    auto r = DecodeFrame(ByteView(m_buf).Sub(m_pos), m_role, m_max);
    if (r.status == FrameDecodeResult::Status::Complete) {
        m_pos += r.consumed;
    } else if (r.status == FrameDecodeResult::Status::Invalid) {
        m_failed = true;
        m_failure = r;
    }
    return r;
}

} // namespace cmslab::ws
