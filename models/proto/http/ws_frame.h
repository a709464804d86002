// WebSocket frames (RFC 6455 section 5): encoding, decoding one frame from the front of
// a buffer, and a stream decoder fed chunks of any size.
#pragma once

#include "common/bytes.h"

#include <array>
#include <cstdint>
#include <string>

namespace cmslab::ws {

enum class Opcode : std::uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

inline bool IsControl(Opcode op) {
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

// Which end of the connection this code plays: a server receives masked frames and
// sends unmasked ones, a client the other way round (RFC 6455 5.1).
enum class Role { Client, Server };

// RFC 6455 7.4.1 status codes.
namespace close_code {
constexpr std::uint16_t kNormal = 1000;
constexpr std::uint16_t kGoingAway = 1001;
constexpr std::uint16_t kProtocolError = 1002;
constexpr std::uint16_t kUnsupportedData = 1003;
constexpr std::uint16_t kNoStatus = 1005; // never on the wire
constexpr std::uint16_t kAbnormal = 1006; // never on the wire
constexpr std::uint16_t kInvalidPayload = 1007;
constexpr std::uint16_t kPolicyViolation = 1008;
constexpr std::uint16_t kMessageTooBig = 1009;
constexpr std::uint16_t kMandatoryExtension = 1010;
constexpr std::uint16_t kInternalError = 1011;
} // namespace close_code

// Codes a Close frame may carry: 1000-1003, 1007-1011, and 3000-4999 (registered and
// private use).
bool IsValidWireCloseCode(std::uint16_t code);

struct Frame {
    bool fin = true;
    bool rsv1 = false;
    bool rsv2 = false;
    bool rsv3 = false;
    Opcode opcode = Opcode::Text;
    bool masked = false;
    std::array<std::uint8_t, 4> mask_key{};
    Bytes payload; // always unmasked here

    bool operator==(const Frame& o) const {
        return fin == o.fin && rsv1 == o.rsv1 && rsv2 == o.rsv2 && rsv3 == o.rsv3 &&
               opcode == o.opcode && masked == o.masked && (!masked || mask_key == o.mask_key) &&
               payload == o.payload;
    }
};

// XORs data with the key, starting at key position offset % 4.
void ApplyMask(std::uint8_t* data, std::size_t n, const std::array<std::uint8_t, 4>& key,
               std::size_t offset = 0);

// Writes the shortest length form (7, 16 or 64 bits), masking the payload when
// frame.masked. Writes what it is given: sending rules are the Connection's.
Bytes EncodeFrame(const Frame& frame);

struct FrameDecodeResult {
    enum class Status { Complete, Incomplete, Invalid };
    Status status = Status::Incomplete;
    Frame frame;                  // when Complete
    std::size_t consumed = 0;     // when Complete
    std::uint16_t close_code = 0; // when Invalid: the code to close with
    std::string error;
};

// Decodes the frame at the front of `data` as received by `local`. Refuses, as soon as
// the header shows it: reserved bits (no extension is negotiated), unknown opcodes,
// fragmented or oversized (>125) control frames, non-minimal or 64-bit lengths with the
// top bit set, a mask the role forbids or a missing one it requires (1002), and payloads
// above max_payload (1009).
FrameDecodeResult DecodeFrame(ByteView data, Role local, std::uint64_t max_payload);

// DecodeFrame over a byte stream. After an Invalid result every call repeats it.
class FrameDecoder {
  public:
    FrameDecoder(Role local, std::uint64_t max_payload) : m_role(local), m_max(max_payload) {}

    void Receive(ByteView data);
    FrameDecodeResult Next();
    std::size_t Buffered() const { return m_buf.size() - m_pos; }

  private:
    Role m_role;
    std::uint64_t m_max;
    Bytes m_buf;
    std::size_t m_pos = 0;
    bool m_failed = false;
    FrameDecodeResult m_failure;
};

} // namespace cmslab::ws
