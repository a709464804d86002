// Cuts a TCP/TLS byte stream from a TURN client or server into STUN messages and
// ChannelData frames (RFC 8656 section 12.5, as RFC 6062 uses it): a STUN message is
// 20 + length bytes, a ChannelData frame 4 + length rounded up to a multiple of 4.
#pragma once

#include "common/bytes.h"

#include <optional>
#include <string>

namespace cmslab::stun {

class StreamFramer {
  public:
    struct Frame {
        enum class Kind { Stun, ChannelData };
        Kind kind = Kind::Stun;
        // A STUN message exactly; a ChannelData header and data, padding removed.
        Bytes bytes;
    };

    void Push(ByteView bytes);
    // The next complete frame; nullopt when more bytes are needed or the stream failed.
    std::optional<Frame> Next();

    // A byte that starts neither STUN nor ChannelData, or a STUN length not a multiple
    // of 4, loses the framing for good: the stream must be closed.
    bool Failed() const { return m_failed; }
    const std::string& Error() const { return m_error; }
    std::size_t Buffered() const { return m_buffer.size() - m_start; }

  private:
    void Fail(std::string why);

    Bytes m_buffer;
    std::size_t m_start = 0;
    bool m_failed = false;
    std::string m_error;
};

} // namespace cmslab::stun
