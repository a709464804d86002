// What the TURN server reports, one struct per kind, each with only its own fields. The
// driver handles a ServerEvent with std::visit and one overload per kind
// (common/overloaded.h), so a kind added here does not compile until every driver
// handles it.
#pragma once

#include "common/address.h"
#include "turn/types.h"

#include <cstdint>
#include <string>
#include <variant>

namespace cmslab::turn::server_event {

// 401 with REALM and NONCE to a request without credentials (the normal first answer).
struct Challenged {
    static constexpr const char* kName = "Challenged";
    FiveTuple tuple;
    std::uint16_t method = 0;
};

// 438: the request's nonce had expired; the answer carries a new one.
struct StaleNonce {
    static constexpr const char* kName = "StaleNonce";
    FiveTuple tuple;
    std::uint16_t method = 0;
    std::string username;
};

// A wrong password or an unknown user, answered with the configured code.
struct AuthFailure {
    static constexpr const char* kName = "AuthFailure";
    FiveTuple tuple;
    std::uint16_t method = 0;
    std::string username;
    std::uint16_t code = 0;
    std::string reason;
};

// Any other error answer (400, 437, 441, 443, 486, ...).
struct RequestRejected {
    static constexpr const char* kName = "RequestRejected";
    FiveTuple tuple;
    std::uint16_t method = 0;
    std::string username; // empty when the request was refused before authentication
    std::uint16_t code = 0;
    std::string reason;
};

struct AllocationCreated {
    static constexpr const char* kName = "AllocationCreated";
    FiveTuple tuple;
    std::string username;
    Endpoint relay;             // the local relay socket
    Endpoint advertised;        // what XOR-RELAYED-ADDRESS said
    std::uint32_t lifetime = 0; // seconds
};

struct AllocationRefreshed {
    static constexpr const char* kName = "AllocationRefreshed";
    FiveTuple tuple;
    std::string username;
    Endpoint relay;
    std::uint32_t lifetime = 0; // seconds granted from now
};

// By a Refresh with LIFETIME 0, or the client's TCP connection closing.
struct AllocationDeleted {
    static constexpr const char* kName = "AllocationDeleted";
    FiveTuple tuple;
    std::string username;
    Endpoint relay;
};

struct AllocationExpired {
    static constexpr const char* kName = "AllocationExpired";
    FiveTuple tuple;
    std::string username;
    Endpoint relay;
};

// A permission for a peer address that had none (a refresh of a live one is not an event).
struct PermissionCreated {
    static constexpr const char* kName = "PermissionCreated";
    FiveTuple tuple;
    std::string username;
    Endpoint relay;
    IpAddress peer;
};

// A channel newly bound to a peer (a refresh of a live binding is not an event).
struct ChannelBound {
    static constexpr const char* kName = "ChannelBound";
    FiveTuple tuple;
    std::string username;
    Endpoint relay;
    Endpoint peer;
    std::uint16_t channel = 0;
};

// The driver should receive on this relay socket, and hand what arrives to
// Server::HandlePeerInput.
struct RelayOpened {
    static constexpr const char* kName = "RelayOpened";
    Endpoint relay;
};

// The driver should stop receiving on this relay socket.
struct RelayClosed {
    static constexpr const char* kName = "RelayClosed";
    Endpoint relay;
};

// A TCP client's byte stream lost its framing: the driver should close the connection.
struct StreamError {
    static constexpr const char* kName = "StreamError";
    FiveTuple tuple;
};

} // namespace cmslab::turn::server_event

namespace cmslab::turn {

using ServerEvent =
    std::variant<server_event::Challenged, server_event::StaleNonce, server_event::AuthFailure,
                 server_event::RequestRejected, server_event::AllocationCreated,
                 server_event::AllocationRefreshed, server_event::AllocationDeleted,
                 server_event::AllocationExpired, server_event::PermissionCreated,
                 server_event::ChannelBound, server_event::RelayOpened, server_event::RelayClosed,
                 server_event::StreamError>;

inline const char* EventName(const ServerEvent& e) {
    return std::visit([](const auto& kind) { return kind.kName; }, e);
}

} // namespace cmslab::turn
