#include "dns/tcp_framing.h"

namespace cmslab::dns {

Expected<Bytes> FrameTcp(ByteView message) {
    if (message.size > 0xffff)
        return Error{"message of " + std::to_string(message.size) +
                     " bytes does not fit a TCP length prefix (at most 65535)"};
    ByteWriter w(message.size + 2);
    w.U16(static_cast<std::uint16_t>(message.size));
    w.Append(message);
    return w.Take();
}

void TcpStreamAccumulator::Push(ByteView chunk) {
    // Drop what was consumed before growing, so a long connection keeps a small buffer.
    if (m_start > 0 && m_start >= m_buf.size() / 2) {
        m_buf.erase(m_buf.begin(), m_buf.begin() + static_cast<std::ptrdiff_t>(m_start));
        m_start = 0;
    }
    m_buf.insert(m_buf.end(), chunk.begin(), chunk.end());
}

std::optional<Bytes> TcpStreamAccumulator::Next() {
    if (Buffered() < 2)
        return std::nullopt;
    const std::size_t length = (std::size_t{m_buf[m_start]} << 8) | m_buf[m_start + 1];
    if (Buffered() < 2 + length)
        return std::nullopt;
    const auto first = m_buf.begin() + static_cast<std::ptrdiff_t>(m_start + 2);
    Bytes message(first, first + static_cast<std::ptrdiff_t>(length));
    m_start += 2 + length;
    if (m_start == m_buf.size()) {
        m_buf.clear();
        m_start = 0;
    }
    return message;
}

} // namespace cmslab::dns
