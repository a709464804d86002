// The tunnel between Expressway-C and Expressway-E, as the lab carries it: one TLS
// connection opened by Expressway-C (from inside, through the firewall) to Expressway-E's
// tunnel port, carrying many logical streams. The product uses SSH tunnels there; the lab
// multiplexes its own frames over TLS instead (see README.md).
//
// Every frame: type (1 byte), stream id (4 bytes), payload length (4 bytes), payload.
//   Open       payload: purpose (u16 length + text), target (u16 length + text)
//              Expressway-E opens a stream per accepted client connection; `purpose`
//              says what it carries ("https"), `target` the web bridge name (the Host).
//   Data       payload: bytes of the stream, as they came
//   Close      no payload: the sender will send no more on the stream (half close)
//   Reset      payload: reason text: the stream is dead in both directions
//   Keepalive  payload: one byte, 0 = ping, 1 = pong (stream id 0)
//   WebBridges payload: u16 count, then each URL as u16 length + text (stream id 0):
//              Expressway-C tells Expressway-E which web bridge URLs it proxies
//
// Sans-I/O: the decoder takes arbitrary chunks of the byte stream and hands out whole
// frames; a malformed frame is a sticky error (the tunnel is then torn down).
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::expressway {

enum class MuxFrameType : std::uint8_t {
    Open = 1,
    Data = 2,
    Close = 3,
    Reset = 4,
    Keepalive = 5,
    WebBridges = 6,
};

const char* MuxFrameTypeName(MuxFrameType type);

// Bound on one frame's payload: a Data frame carries at most kMaxMuxData bytes; the
// senders split larger writes.
inline constexpr std::size_t kMaxMuxData = 16 * 1024;
inline constexpr std::size_t kMaxMuxPayload = 64 * 1024;
inline constexpr std::size_t kMuxHeaderSize = 9;

struct MuxFrame {
    MuxFrameType type = MuxFrameType::Data;
    std::uint32_t stream = 0;
    std::string purpose;           // Open
    std::string target;            // Open
    Bytes data;                    // Data
    std::string reason;            // Reset
    bool pong = false;             // Keepalive
    std::vector<std::string> urls; // WebBridges

    static MuxFrame MakeOpen(std::uint32_t stream, std::string purpose, std::string target);
    static MuxFrame MakeData(std::uint32_t stream, ByteView data);
    static MuxFrame MakeClose(std::uint32_t stream);
    static MuxFrame MakeReset(std::uint32_t stream, std::string reason);
    static MuxFrame MakeKeepalive(bool pong);
    static MuxFrame MakeWebBridges(std::vector<std::string> urls);

    bool operator==(const MuxFrame& o) const;
    bool operator!=(const MuxFrame& o) const { return !(*this == o); }
    std::string ToString() const; // for logs: "Open stream 3 https cmsweb.example.com"
};

// The frame's bytes; an error when a field is over its limit (text over 65535 bytes,
// data over kMaxMuxData, a payload over kMaxMuxPayload).
Expected<Bytes> EncodeMuxFrame(const MuxFrame& frame);
// Data frames for `data`, split at kMaxMuxData (none for empty data).
Bytes EncodeMuxData(std::uint32_t stream, ByteView data);

// One whole frame from exactly its bytes.
Expected<MuxFrame> DecodeMuxFrame(ByteView bytes);

class MuxDecoder {
  public:
    // Appends bytes from the stream, any split.
    void Feed(ByteView bytes);
    // The next whole frame, nullopt when more bytes are needed, or an error (sticky: every
    // later call returns it).
    Expected<std::optional<MuxFrame>> Next();
    bool Failed() const { return m_error.has_value(); }
    std::size_t Buffered() const { return m_buf.size() - m_pos; }

  private:
    Bytes m_buf;
    std::size_t m_pos = 0;
    std::optional<Error> m_error;
};

} // namespace cmslab::expressway
