// What the TURN client reports, one struct per kind, each with only its own fields. The
// user handles a ClientEvent with std::visit and one overload per kind
// (common/overloaded.h), so a kind added here does not compile until every user handles
// it. A failure's error has code 0 and reason "timeout" when the server never answered.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "stun/error_code.h"

#include <cstdint>
#include <string>
#include <variant>

namespace cmslab::turn::client_event {

// 401 with REALM and NONCE to the Allocate without credentials; the client retries with them.
struct Challenged {
    static constexpr const char* kName = "Challenged";
    std::string realm;
};

struct AllocateSuccess {
    static constexpr const char* kName = "AllocateSuccess";
    Endpoint relayed;           // XOR-RELAYED-ADDRESS
    Endpoint mapped;            // XOR-MAPPED-ADDRESS
    std::uint32_t lifetime = 0; // seconds
};

struct AllocateFailure {
    static constexpr const char* kName = "AllocateFailure";
    stun::ErrorCode error;
};

struct RefreshSuccess {
    static constexpr const char* kName = "RefreshSuccess";
    std::uint32_t lifetime = 0; // seconds
};

// The allocation could not be kept: with 437 it is gone at the server.
struct RefreshFailure {
    static constexpr const char* kName = "RefreshFailure";
    stun::ErrorCode error;
};

// A CreatePermission was granted (also each refresh of it).
struct PermissionSuccess {
    static constexpr const char* kName = "PermissionSuccess";
    IpAddress peer;
};

// The client stops asking for that peer: the server relays nothing from or to it.
struct PermissionFailure {
    static constexpr const char* kName = "PermissionFailure";
    IpAddress peer;
    stun::ErrorCode error;
};

// A channel newly bound (not its refreshes): data to the peer goes as ChannelData.
struct ChannelBindSuccess {
    static constexpr const char* kName = "ChannelBindSuccess";
    Endpoint peer;
    std::uint16_t channel = 0;
};

// Data to the peer stays in Send indications.
struct ChannelBindFailure {
    static constexpr const char* kName = "ChannelBindFailure";
    Endpoint peer;
    std::uint16_t channel = 0;
    stun::ErrorCode error;
};

// Data from a peer: a Data indication (channel 0) or ChannelData.
struct Data {
    static constexpr const char* kName = "Data";
    Endpoint peer;
    Bytes data;
    std::uint16_t channel = 0;
};

// The allocation was deleted (Close: a Refresh with LIFETIME 0).
struct Closed {
    static constexpr const char* kName = "Closed";
};

} // namespace cmslab::turn::client_event

namespace cmslab::turn {

using ClientEvent =
    std::variant<client_event::Challenged, client_event::AllocateSuccess,
                 client_event::AllocateFailure, client_event::RefreshSuccess,
                 client_event::RefreshFailure, client_event::PermissionSuccess,
                 client_event::PermissionFailure, client_event::ChannelBindSuccess,
                 client_event::ChannelBindFailure, client_event::Data, client_event::Closed>;

inline const char* EventName(const ClientEvent& e) {
    return std::visit([](const auto& kind) { return kind.kName; }, e);
}

} // namespace cmslab::turn
