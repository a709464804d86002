// The WebSocket opening handshake (RFC 6455 section 4) over the HTTP types: the client's
// upgrade request, the server's check and 101 answer, the client's check of that answer.
#pragma once

#include "common/expected.h"
#include "common/rng.h"
#include "http/message.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::ws {

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), RFC 6455 4.2.2.
std::string AcceptKey(std::string_view client_key);
// 16 random bytes from rng, base64-encoded (RFC 6455 4.1).
std::string GenerateKey(Rng& rng);

struct ClientHandshake {
    http::Request request;
    std::string key; // needed to check the answer
};

// A GET with Host, Upgrade, Connection, Sec-WebSocket-Key/-Version, and Origin and
// Sec-WebSocket-Protocol when given.
ClientHandshake BuildClientHandshake(Rng& rng, std::string_view host, std::string_view target,
                                     std::string_view origin = {},
                                     const std::vector<std::string>& protocols = {});

// Whether a request asks for a WebSocket (Upgrade: websocket), to route it to the
// handshake check rather than to ordinary HTTP handling.
bool IsUpgradeRequest(const http::RequestHead& request);

struct ServerHandshake {
    bool accepted = false;
    // 101 with Sec-WebSocket-Accept when accepted; else 400, or 426 with
    // Sec-WebSocket-Version: 13 for a version we do not speak (RFC 6455 4.4).
    http::Response response;
    std::string error;                   // why it was refused
    std::optional<std::string> protocol; // the subprotocol chosen
};

// Checks a client's opening handshake (RFC 6455 4.2.1): GET, HTTP/1.1 or later, Host,
// Upgrade: websocket, Connection: upgrade, a key of 16 bytes in base64, version 13.
// The first of the client's subprotocols that `supported` lists is chosen.
ServerHandshake AnswerHandshake(const http::RequestHead& request,
                                const std::vector<std::string>& supported = {});

// Checks the server's answer (RFC 6455 4.1): 101, Upgrade: websocket, Connection:
// upgrade, the right accept value, no extension (none offered), a subprotocol only
// from those offered. Gives the chosen subprotocol.
Expected<std::optional<std::string>>
CheckServerHandshake(const http::ResponseHead& response, std::string_view key,
                     const std::vector<std::string>& offered = {});

} // namespace cmslab::ws
