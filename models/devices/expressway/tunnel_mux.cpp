#include "tunnel_mux.h"

#include <algorithm>

namespace cmslab::expressway {

namespace {

bool PutText(ByteWriter& w, const std::string& text) {
    if (text.size() > 0xffff)
        return false;
    w.U16(static_cast<std::uint16_t>(text.size()));
    w.Append(ByteView(text));
    return true;
}

bool GetText(ByteReader& r, std::string& out) {
    std::uint16_t n = 0;
    ByteView v;
    if (!r.U16(n) || !r.Take(n, v))
        return false;
    out = v.ToString();
    return true;
}

bool KnownType(std::uint8_t t) {
    return t >= static_cast<std::uint8_t>(MuxFrameType::Open) &&
           t <= static_cast<std::uint8_t>(MuxFrameType::WebBridges);
}

Error Bad(const std::string& what) {
    return Error{"tunnel frame: " + what};
}

Expected<MuxFrame> DecodePayload(MuxFrameType type, std::uint32_t stream, ByteView payload) {
    MuxFrame f;
    f.type = type;
    f.stream = stream;
    ByteReader r(payload);
    const bool control = type == MuxFrameType::Keepalive || type == MuxFrameType::WebBridges;
    if (control && stream != 0)
        return Bad(std::string(MuxFrameTypeName(type)) + " on stream " + std::to_string(stream));
    if (!control && stream == 0)
        return Bad(std::string(MuxFrameTypeName(type)) + " on stream 0");
    switch (type) {
    case MuxFrameType::Open:
        if (!GetText(r, f.purpose) || !GetText(r, f.target))
            return Bad("truncated Open");
        break;
    case MuxFrameType::Data:
        if (payload.size > kMaxMuxData)
            return Bad("Data of " + std::to_string(payload.size) + " bytes");
        f.data = payload.ToBytes();
        r.Skip(payload.size);
        break;
    case MuxFrameType::Close:
        break;
    case MuxFrameType::Reset:
        f.reason = payload.ToString();
        r.Skip(payload.size);
        break;
    case MuxFrameType::Keepalive: {
        std::uint8_t b = 0;
        if (!r.U8(b) || b > 1)
            return Bad("bad Keepalive");
        f.pong = b == 1;
        break;
    }
    case MuxFrameType::WebBridges: {
        std::uint16_t n = 0;
        if (!r.U16(n))
            return Bad("truncated WebBridges");
        for (std::uint16_t i = 0; i < n; ++i) {
            std::string url;
            if (!GetText(r, url))
                return Bad("truncated WebBridges");
            f.urls.push_back(std::move(url));
        }
        break;
    }
    }
    if (r.Remaining() != 0)
        return Bad(std::to_string(r.Remaining()) + " bytes after the " + MuxFrameTypeName(type) +
                   " payload");
    return f;
}

} // namespace

const char* MuxFrameTypeName(MuxFrameType type) {
    switch (type) {
    case MuxFrameType::Open:
        return "Open";
    case MuxFrameType::Data:
        return "Data";
    case MuxFrameType::Close:
        return "Close";
    case MuxFrameType::Reset:
        return "Reset";
    case MuxFrameType::Keepalive:
        return "Keepalive";
    case MuxFrameType::WebBridges:
        return "WebBridges";
    }
    return "?";
}

MuxFrame MuxFrame::MakeOpen(std::uint32_t stream, std::string purpose, std::string target) {
    MuxFrame f;
    f.type = MuxFrameType::Open;
    f.stream = stream;
    f.purpose = std::move(purpose);
    f.target = std::move(target);
    return f;
}

MuxFrame MuxFrame::MakeData(std::uint32_t stream, ByteView data) {
    MuxFrame f;
    f.type = MuxFrameType::Data;
    f.stream = stream;
    f.data = data.ToBytes();
    return f;
}

MuxFrame MuxFrame::MakeClose(std::uint32_t stream) {
    MuxFrame f;
    f.type = MuxFrameType::Close;
    f.stream = stream;
    return f;
}

MuxFrame MuxFrame::MakeReset(std::uint32_t stream, std::string reason) {
    MuxFrame f;
    f.type = MuxFrameType::Reset;
    f.stream = stream;
    f.reason = std::move(reason);
    return f;
}

MuxFrame MuxFrame::MakeKeepalive(bool pong) {
    MuxFrame f;
    f.type = MuxFrameType::Keepalive;
    f.pong = pong;
    return f;
}

MuxFrame MuxFrame::MakeWebBridges(std::vector<std::string> urls) {
    MuxFrame f;
    f.type = MuxFrameType::WebBridges;
    f.urls = std::move(urls);
    return f;
}

bool MuxFrame::operator==(const MuxFrame& o) const {
    return type == o.type && stream == o.stream && purpose == o.purpose && target == o.target &&
           data == o.data && reason == o.reason && pong == o.pong && urls == o.urls;
}

std::string MuxFrame::ToString() const {
    std::string s = std::string(MuxFrameTypeName(type));
    if (stream != 0)
        s += " stream " + std::to_string(stream);
    switch (type) {
    case MuxFrameType::Open:
        s += " " + purpose + " " + target;
        break;
    case MuxFrameType::Data:
        s += " " + std::to_string(data.size()) + " bytes";
        break;
    case MuxFrameType::Reset:
        s += " (" + reason + ")";
        break;
    case MuxFrameType::Keepalive:
        s += pong ? " pong" : " ping";
        break;
    case MuxFrameType::WebBridges:
        for (std::size_t i = 0; i < urls.size(); ++i)
            s += (i == 0 ? " " : ", ") + urls[i];
        break;
    case MuxFrameType::Close:
        break;
    }
    return s;
}

Expected<Bytes> EncodeMuxFrame(const MuxFrame& frame) {
    ByteWriter payload;
    switch (frame.type) {
    case MuxFrameType::Open:
        if (!PutText(payload, frame.purpose) || !PutText(payload, frame.target))
            return Bad("Open text too long");
        break;
    case MuxFrameType::Data:
        if (frame.data.size() > kMaxMuxData)
            return Bad("Data over " + std::to_string(kMaxMuxData) + " bytes");
        payload.Append(frame.data);
        break;
    case MuxFrameType::Close:
        break;
    case MuxFrameType::Reset:
        payload.Append(ByteView(frame.reason));
        break;
    case MuxFrameType::Keepalive:
        payload.U8(frame.pong ? 1 : 0);
        break;
    case MuxFrameType::WebBridges:
        if (frame.urls.size() > 0xffff)
            return Bad("too many web bridge URLs");
        payload.U16(static_cast<std::uint16_t>(frame.urls.size()));
        for (const std::string& u : frame.urls)
            if (!PutText(payload, u))
                return Bad("web bridge URL too long");
        break;
    default:
        return Bad("unknown type");
    }
    if (payload.Size() > kMaxMuxPayload)
        return Bad("payload over " + std::to_string(kMaxMuxPayload) + " bytes");
    const bool control =
        frame.type == MuxFrameType::Keepalive || frame.type == MuxFrameType::WebBridges;
    if (control != (frame.stream == 0))
        return Bad(std::string(MuxFrameTypeName(frame.type)) + " on stream " +
                   std::to_string(frame.stream));
    ByteWriter w(kMuxHeaderSize + payload.Size());
    w.U8(static_cast<std::uint8_t>(frame.type));
    w.U32(frame.stream);
    w.U32(static_cast<std::uint32_t>(payload.Size()));
    w.Append(payload.Buffer());
    return w.Take();
}

Bytes EncodeMuxData(std::uint32_t stream, ByteView data) {
    Bytes out;
    for (std::size_t off = 0; off < data.size; off += kMaxMuxData) {
        const std::size_t n = std::min(kMaxMuxData, data.size - off);
        Bytes frame = *EncodeMuxFrame(MuxFrame::MakeData(stream, data.Sub(off, n)));
        out.insert(out.end(), frame.begin(), frame.end());
    }
    return out;
}

Expected<MuxFrame> DecodeMuxFrame(ByteView bytes) {
    ByteReader r(bytes);
    std::uint8_t type = 0;
    std::uint32_t stream = 0;
    std::uint32_t length = 0;
    if (!r.U8(type) || !r.U32(stream) || !r.U32(length))
        return Bad("truncated header");
    if (!KnownType(type))
        return Bad("unknown type " + std::to_string(type));
    if (length > kMaxMuxPayload)
        return Bad("payload length " + std::to_string(length));
    if (r.Remaining() != length)
        return Bad("payload length " + std::to_string(length) + " but " +
                   std::to_string(r.Remaining()) + " bytes follow");
    return DecodePayload(static_cast<MuxFrameType>(type), stream, r.Rest());
}

void MuxDecoder::Feed(ByteView bytes) {
    if (m_error)
        return;
    if (m_pos > 0 && m_pos == m_buf.size()) {
        m_buf.clear();
        m_pos = 0;
    }
    m_buf.insert(m_buf.end(), bytes.begin(), bytes.end());
}

Expected<std::optional<MuxFrame>> MuxDecoder::Next() {
    if (m_error)
        return *m_error;
    const ByteView rest = ByteView(m_buf).Sub(m_pos);
    if (rest.size < kMuxHeaderSize)
        return std::optional<MuxFrame>{};
    ByteReader r(rest);
    std::uint8_t type = 0;
    std::uint32_t stream = 0;
    std::uint32_t length = 0;
    r.U8(type);
    r.U32(stream);
    r.U32(length);
    // Judge the header before waiting for a payload that may never be sent.
    if (!KnownType(type)) {
        m_error = Bad("unknown type " + std::to_string(type));
        return *m_error;
    }
    if (length > kMaxMuxPayload) {
        m_error = Bad("payload length " + std::to_string(length));
        return *m_error;
    }
    if (rest.size < kMuxHeaderSize + length)
        return std::optional<MuxFrame>{};
    auto frame =
        DecodePayload(static_cast<MuxFrameType>(type), stream, rest.Sub(kMuxHeaderSize, length));
    if (!frame) {
        m_error = frame.Err();
        return *m_error;
    }
    m_pos += kMuxHeaderSize + length;
    // Keep the buffer from growing without bound on a long-lived tunnel.
    if (m_pos > 64 * 1024 && m_pos * 2 > m_buf.size()) {
        m_buf.erase(m_buf.begin(), m_buf.begin() + static_cast<std::ptrdiff_t>(m_pos));
        m_pos = 0;
    }
    return std::optional<MuxFrame>(std::move(*frame));
}

} // namespace cmslab::expressway
