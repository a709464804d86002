// One end of a WebSocket connection after the handshake (RFC 6455 sections 5-7): frames
// in, messages and control events out; messages in, frames out. Sans-I/O: the owner
// moves the bytes and answers pings and closes as it sees fit.
#pragma once

#include "common/bytes.h"
#include "common/rng.h"
#include "http/ws_frame.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cmslab::ws {

struct Limits {
    std::uint64_t max_frame_payload = 16 * 1024 * 1024;
    std::uint64_t max_message_bytes = 16 * 1024 * 1024;
};

struct NeedData {};
struct TextMessage {
    std::string text;
};
struct BinaryMessage {
    Bytes data;
};
struct Ping {
    Bytes payload;
};
struct Pong {
    Bytes payload;
};
struct CloseReceived {
    std::optional<std::uint16_t> code; // absent when the frame carried no status
    std::string reason;
};
// The peer broke the protocol; answer with SendClose(close_code) and drop the connection.
struct Failure {
    std::uint16_t close_code = close_code::kProtocolError;
    std::string message;
};

using Event =
    std::variant<NeedData, TextMessage, BinaryMessage, Ping, Pong, CloseReceived, Failure>;

class Connection {
  public:
    enum class State {
        Open,
        CloseSent,     // we sent Close, waiting for the peer's
        CloseReceived, // the peer sent Close, ours is due
        Closed,        // both Close frames exchanged
        Failed,
    };

    // A client masks every frame with a fresh key drawn from rng (RFC 6455 5.3).
    static Connection Client(Rng rng, Limits limits = {});
    static Connection Server(Limits limits = {});

    void Receive(ByteView data);
    // The next message or control event; NeedData when more bytes are needed.
    Event Next();
    // Receive() then Next() until NeedData (not returned) or a Failure (returned last).
    std::vector<Event> Feed(ByteView data);

    // Bytes to send. Data frames are refused (empty result) once a Close was sent or
    // received; SendClose answers a received Close or a Failure.
    Bytes SendText(std::string_view text);
    Bytes SendBinary(ByteView data);
    // One message split into frames of at most fragment_size payload bytes.
    Bytes SendFragmented(Opcode opcode, ByteView data, std::size_t fragment_size);
    Bytes SendPing(ByteView payload = {});
    Bytes SendPong(ByteView payload);
    // code absent: an empty Close payload. The reason is cut to fit 125 bytes.
    Bytes SendClose(std::optional<std::uint16_t> code = close_code::kNormal,
                    std::string_view reason = {});

    State GetState() const { return m_state; }
    Role GetRole() const { return m_role; }

  private:
    Connection(Role role, std::optional<Rng> rng, Limits limits);
    Bytes Emit(Opcode opcode, bool fin, ByteView payload);
    Event Fail(std::uint16_t code, std::string message);

    Role m_role;
    std::optional<Rng> m_rng;
    Limits m_limits;
    FrameDecoder m_decoder;
    State m_state = State::Open;
    Failure m_failure;
    bool m_in_message = false;
    Opcode m_message_opcode = Opcode::Text;
    Bytes m_message;
};

} // namespace cmslab::ws
