#include "stun/stream_framer.h"

#include "stun/constants.h"

namespace cmslab::stun {

void StreamFramer::Push(ByteView bytes) {
    if (m_failed)
        return;
    // Compact lazily so that a long stream does not keep every byte it ever carried.
    if (m_start > 0 && m_start >= m_buffer.size() / 2) {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(m_start));
        m_start = 0;
    }
    m_buffer.insert(m_buffer.end(), bytes.begin(), bytes.end());
}

void StreamFramer::Fail(std::string why) {
    m_failed = true;
    m_error = std::move(why);
    m_buffer.clear();
    m_start = 0;
}

std::optional<StreamFramer::Frame> StreamFramer::Next() {
    if (m_failed)
        return std::nullopt;
    const std::size_t avail = m_buffer.size() - m_start;
    if (avail < 4)
        return std::nullopt;
    const std::uint8_t* p = m_buffer.data() + m_start;
    const std::size_t length = (std::size_t{p[2]} << 8) | p[3];
    Frame frame;
    std::size_t frame_size = 0;
    std::size_t consumed = 0;
    if (p[0] <= 3) {
        if (length % 4 != 0) {
            Fail("STUN message length not a multiple of 4 on a stream");
            return std::nullopt;
        }
        frame.kind = Frame::Kind::Stun;
        frame_size = kHeaderSize + length;
        consumed = frame_size;
    } else if (p[0] >= 0x40 && p[0] <= 0x4F) {
        frame.kind = Frame::Kind::ChannelData;
        frame_size = 4 + length;
        consumed = 4 + ((length + 3) / 4) * 4;
    } else {
        Fail("stream byte is neither STUN nor ChannelData");
        return std::nullopt;
    }
    if (avail < consumed)
        return std::nullopt;
    frame.bytes.assign(p, p + frame_size);
    m_start += consumed;
    if (m_start == m_buffer.size()) {
        m_buffer.clear();
        m_start = 0;
    }
    return frame;
}

} // namespace cmslab::stun
