// One end of a WebSocket connection over a byte stream (after the HTTP upgrade), on the
// framing of models/proto/http (ws::Connection): messages in, messages out. A client
// masks its frames with keys from the Rng it is given. Pings are answered with pongs;
// a Close from the peer is answered with a Close, then the stream is closed.
#pragma once

#include "byte_stream.h"
#include "common/rng.h"
#include "http/ws_connection.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::devices::net {

struct WebSocketMessage {
    bool binary = false;
    std::string text; // a text message (empty for binary)
    Bytes data;       // a binary message (empty for text)
};

struct WebSocketClosed {
    // The peer's Close frame; absent when it sent none or an empty one.
    std::optional<std::uint16_t> code;
    std::string reason;
    bool clean = false;  // both Close frames were exchanged
    CloseInfo transport; // how the stream underneath ended (Local when we closed it)
};

class WebSocketSession {
  public:
    // `leftover`: bytes that arrived with the handshake and belong to the WebSocket; they
    // are processed from a simulator event, after the caller has set its handlers.
    static std::unique_ptr<WebSocketSession> Client(std::unique_ptr<ByteStream> stream, Rng rng,
                                                    Bytes leftover = {}, ws::Limits limits = {});
    static std::unique_ptr<WebSocketSession> Server(std::unique_ptr<ByteStream> stream,
                                                    Bytes leftover = {}, ws::Limits limits = {});
    // Closes the stream (without a Close frame) if still open; no handler runs again.
    ~WebSocketSession();
    WebSocketSession(const WebSocketSession&) = delete;
    WebSocketSession& operator=(const WebSocketSession&) = delete;

    void SetOnMessage(std::function<void(const WebSocketMessage&)> handler);
    // Once, when the session is over (closing handshake done, peer gone, or a protocol
    // failure, after which a Close with the failure's code was sent).
    void SetOnClosed(std::function<void(const WebSocketClosed&)> handler);
    // Pongs received, for keepalive logic.
    void SetOnPong(std::function<void(const Bytes&)> handler);

    // False once a Close was sent or received (nothing is sent then).
    bool Send(std::string_view text);
    bool SendBinary(ByteView data);
    bool Ping(ByteView payload = {});
    // Starts the closing handshake; the stream closes when the peer's Close arrives.
    void Close(std::uint16_t code = ws::close_code::kNormal, std::string_view reason = {});

    ws::Connection::State GetState() const;
    bool IsOpen() const; // open for messages both ways
    ByteStream& Stream();
    std::uint64_t MessagesSent() const;
    std::uint64_t MessagesReceived() const;

    struct Impl;

  private:
    explicit WebSocketSession(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> m_impl;
};

} // namespace cmslab::devices::net
