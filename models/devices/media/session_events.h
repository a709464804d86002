// What a media session reports, one struct per kind, each with only its own fields.
// Users handle an Event with std::visit and one overload per kind (common/overloaded.h),
// so that a kind added here does not compile until every user handles it.
#pragma once

#include "common/address.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

namespace cmslab::media {

// The first Allocate was answered 401 (the long-term credential challenge).
struct TurnChallenged {
    static constexpr const char* kName = "TurnChallenged";
    std::string realm;
};

struct TurnAllocated {
    static constexpr const char* kName = "TurnAllocated";
    Endpoint relayed;
    Endpoint mapped;
};

struct TurnFailed {
    static constexpr const char* kName = "TurnFailed";
    int code = 0; // 0: the server never answered
    std::string reason;
};

// The allocation was refreshed at the TURN server for `lifetime` more seconds.
struct TurnRefreshed {
    static constexpr const char* kName = "TurnRefreshed";
    std::uint32_t lifetime = 0;
};

// The allocation could not be refreshed: the relay is gone (437) or the server is
// silent, and with it every pair; the session sends nothing more (as a browser's TURN
// port closes and takes its connections with it).
struct TurnRefreshFailed {
    static constexpr const char* kName = "TurnRefreshFailed";
    int code = 0; // 0: no answer
    std::string reason;
};

// The TURN server relays from and to this peer address (also each refresh).
struct TurnPermissionCreated {
    static constexpr const char* kName = "TurnPermissionCreated";
    IpAddress peer;
};

// No permission for the peer: nothing is relayed from or to it. When it is the selected
// pair's remote address the media stops (`media_lost`); before selection the checks to
// it simply go unanswered.
struct TurnPermissionFailed {
    static constexpr const char* kName = "TurnPermissionFailed";
    IpAddress peer;
    int code = 0;
    std::string reason;
    bool media_lost = false;
};

// Media to the peer travels as ChannelData from now on.
struct TurnChannelBound {
    static constexpr const char* kName = "TurnChannelBound";
    Endpoint peer;
    std::uint16_t channel = 0;
};

// Media to the peer stays in Send indications (RFC 8656 allows both).
struct TurnChannelBindFailed {
    static constexpr const char* kName = "TurnChannelBindFailed";
    Endpoint peer;
    std::uint16_t channel = 0;
    int code = 0;
    std::string reason;
};

// A role conflict was resolved by taking the other ICE role.
struct IceRoleChanged {
    static constexpr const char* kName = "IceRoleChanged";
    bool controlling = false;
    std::string reason;
};

// The first selected pair: media goes from `local` (the relay) to `remote`.
struct IceConnected {
    static constexpr const char* kName = "IceConnected";
    Endpoint local;
    Endpoint remote;
};

// No pair was selected.
struct IceFailed {
    static constexpr const char* kName = "IceFailed";
    std::string reason;
};

// The selected pair stopped answering consent checks (RFC 7675).
struct ConsentLost {
    static constexpr const char* kName = "ConsentLost";
    std::string reason;
};

// SRTP keys are there; StartMedia may begin.
struct DtlsConnected {
    static constexpr const char* kName = "DtlsConnected";
    std::string version;
    std::string srtp_profile;
};

struct DtlsFailed {
    static constexpr const char* kName = "DtlsFailed";
    std::string reason;
};

struct RtpSent {
    static constexpr const char* kName = "RtpSent";
    std::size_t size = 0; // the SRTP packet
};

// Authenticated; refused packets are only counted.
struct RtpReceived {
    static constexpr const char* kName = "RtpReceived";
    std::size_t size = 0; // the SRTP packet
};

using Event =
    std::variant<TurnChallenged, TurnAllocated, TurnFailed, TurnRefreshed, TurnRefreshFailed,
                 TurnPermissionCreated, TurnPermissionFailed, TurnChannelBound,
                 TurnChannelBindFailed, IceConnected, IceFailed, IceRoleChanged, ConsentLost,
                 DtlsConnected, DtlsFailed, RtpSent, RtpReceived>;

inline const char* EventName(const Event& e) {
    return std::visit([](const auto& kind) { return kind.kName; }, e);
}

// "local <-> remote", as logs and the browser's stage detail show the pair.
inline std::string DescribePair(const IceConnected& e) {
    return e.local.ToString() + " <-> " + e.remote.ToString();
}

// "437 Allocation Mismatch", or "no answer (timeout)" when the server was silent (code 0).
inline std::string DescribeTurnError(int code, const std::string& reason) {
    if (code == 0)
        return "no answer" + (reason.empty() ? std::string() : " (" + reason + ")");
    return std::to_string(code) + " " + reason;
}

} // namespace cmslab::media
