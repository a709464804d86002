// DNS over TCP (RFC 1035 4.2.2, RFC 7766): each message behind a 2-byte length.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <cstddef>
#include <optional>

namespace cmslab::dns {

// The message with its length prefix; fails above 65535 bytes.
Expected<Bytes> FrameTcp(ByteView message);

// Cuts whole messages out of a TCP byte stream that arrives in arbitrary chunks.
class TcpStreamAccumulator {
  public:
    void Push(ByteView chunk);
    // The next complete message (without its prefix), or nothing until more bytes come.
    // A zero length prefix gives an empty message.
    std::optional<Bytes> Next();
    // Bytes held that do not yet make a whole message.
    std::size_t Buffered() const { return m_buf.size() - m_start; }

  private:
    Bytes m_buf;
    std::size_t m_start = 0;
};

} // namespace cmslab::dns
