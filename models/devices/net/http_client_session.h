// The client side of one HTTP/1.1 connection over a byte stream (TLS or plain TCP):
// requests go out as given (pipelined when sent before earlier answers came), responses
// come back in order, each to the handler of its request. Keep-alive: the connection
// serves further requests until a response or the peer closes it.
//
// The caller writes the request's fields, Host included (the serializer adds only
// Content-Length). Handlers run from simulator events and may destroy the session.
#pragma once

#include "byte_stream.h"
#include "common/expected.h"
#include "common/rng.h"
#include "http/message.h"
#include "http/parser.h"
#include "http_client_state.h"
#include "upgraded_stream.h"
#include "websocket_session.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::devices::net {

struct WebSocketUpgradeResult {
    std::unique_ptr<WebSocketSession> session; // null when the upgrade failed
    // The server's answer (101, or the refusal: 400, 403, 404...); status 0 when none
    // came (the connection failed first).
    http::Response response;
    std::string error; // why it failed; empty on success
};

class HttpClientSession {
  public:
    // The response, or why none came (the connection closed or failed first, or the
    // response could not be parsed: the error names the CloseInfo or parser message).
    using ResponseHandler = std::function<void(Expected<http::Response> response)>;

    // `rng`: WebSocket keys and frame masks.
    HttpClientSession(std::unique_ptr<ByteStream> stream, Rng rng, http::Limits limits = {});
    // Closes the stream gracefully unless handed over; pending handlers are not called.
    ~HttpClientSession();
    HttpClientSession(const HttpClientSession&) = delete;
    HttpClientSession& operator=(const HttpClientSession&) = delete;

    // Queues a request. When the connection is already over the handler gets an error
    // (from a simulator event).
    void Send(http::Request request, ResponseHandler handler);

    // Sends the opening handshake (GET `target` with Host, Upgrade, Sec-WebSocket-Key...,
    // plus `extra_headers`) and checks the answer. On success the session hands its
    // stream to the WebSocketSession and serves no more requests.
    void UpgradeToWebSocket(const std::string& host, const std::string& target,
                            const std::string& origin, const std::vector<std::string>& protocols,
                            std::function<void(WebSocketUpgradeResult result)> handler,
                            const http::Headers& extra_headers = {});

    // After a response that switched protocols (101 to a request sent with Send()): the
    // raw stream and the bytes that followed the 101. Null stream otherwise.
    UpgradedStream TakeUpgradedStream();

    // Once, when the connection ended while no request was outstanding, or after the
    // handlers of the outstanding ones got their errors. Not called after a handover or
    // the owner's Close().
    void SetOnClosed(std::function<void(const CloseInfo&)> handler);
    // Closes the stream gracefully; outstanding requests are abandoned (their handlers
    // are not called).
    void Close();

    bool IsOpen() const; // can take another request
    HttpClientState State() const;
    // Responses nobody asked for, and steps that made no sense in the state they came
    // in: ignored, and counted here.
    std::uint64_t OutOfStateEvents() const;
    std::size_t Outstanding() const;
    ByteStream* Stream(); // null once handed over
    std::uint64_t ResponsesReceived() const;

    struct Impl;

  private:
    std::shared_ptr<Impl> m_impl;
};

} // namespace cmslab::devices::net
