// The server side of one HTTP/1.1 connection over a byte stream (TLS or plain TCP):
// requests are parsed with models/proto/http and handed to the owner's handler one by
// one; the handler answers through an HttpResponder, at once or later (after proxying
// the request upstream, say). Pipelined requests are answered in order whatever order
// the answers come in. A request that is not persistent (HTTP/1.0 without keep-alive,
// "Connection: close") or an answer with "Connection: close" ends the connection after
// that answer; a request the parser refuses is answered with its status (400, 413, 431,
// 501, 505...) and the connection is closed.
//
// Upgrades: a request asking for one (WebSocket, or CONNECT) reaches the handler only
// once every earlier request is answered, and no later request is read until it is
// decided: AcceptWebSocket() / SwitchProtocols() hand the stream over, Respond() with
// an ordinary answer declines and HTTP goes on.
#pragma once

#include "byte_stream.h"
#include "http/message.h"
#include "http/parser.h"
#include "http_server_state.h"
#include "upgraded_stream.h"
#include "websocket_session.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::devices::net {

class HttpServerSession;

// Answers one request. Copyable; every copy answers the same request, once. Calls after
// the first answer, or after the session is gone, do nothing (and return false/null).
class HttpResponder {
  public:
    HttpResponder() = default;

    // Sends the response in its turn. For a HEAD request only the head is written
    // (with the body's Content-Length unless the response sets one).
    bool Respond(http::Response response);

    // For an upgrade request: answers as RFC 6455 says (101, or 400/426 when the
    // handshake is malformed) and on success returns the server end of the WebSocket.
    // `protocols`: the subprotocols this server speaks, in its order of preference.
    std::unique_ptr<WebSocketSession>
    AcceptWebSocket(const std::vector<std::string>& protocols = {});
    // For an upgrade request: writes `response` (a 101, or a 2xx to CONNECT) and hands
    // the stream over raw, for a proxy that relays the new protocol's bytes.
    UpgradedStream SwitchProtocols(http::Response response);

    bool Answered() const; // true also when the session is gone
    bool IsUpgradeRequest() const;
    Endpoint Peer() const; // the client's address and port as this server sees them

  private:
    friend class HttpServerSession;
    struct State;
    std::shared_ptr<State> m_state;
};

struct HttpServerOptions {
    http::Limits limits;
    // Requests read ahead of the one awaiting its answer; beyond this, reading pauses.
    std::size_t max_pipelined = 16;
};

class HttpServerSession {
  public:
    // The request comes whole (body read); the handler keeps the responder for later
    // answers. The handler may destroy the session.
    using RequestHandler = std::function<void(http::Request request, HttpResponder responder)>;

    // Starts reading the stream at once (from simulator events).
    HttpServerSession(std::unique_ptr<ByteStream> stream, RequestHandler handler,
                      HttpServerOptions options = {});
    // Closes the stream gracefully (answers already given still go out) unless it was
    // handed over; responders left become no-ops.
    ~HttpServerSession();
    HttpServerSession(const HttpServerSession&) = delete;
    HttpServerSession& operator=(const HttpServerSession&) = delete;

    // Once, when the connection is over: the peer closed or failed (its reason), or this
    // session closed it after a final answer or a parse error (Local, or ProtocolError
    // with the parser's message). Not called once the stream was handed over.
    void SetOnClosed(std::function<void(const CloseInfo&)> handler);

    bool IsOpen() const;
    bool HandedOver() const; // the stream went to an upgrade
    HttpServerState State() const;
    // Steps that made no sense in the state they came in: ignored, and counted here.
    std::uint64_t OutOfStateEvents() const;
    Endpoint Peer() const;
    Endpoint Local() const;
    std::uint64_t RequestsReceived() const;
    std::uint64_t ResponsesSent() const;

    struct Impl;

  private:
    std::shared_ptr<Impl> m_impl;
};

} // namespace cmslab::devices::net
