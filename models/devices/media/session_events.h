// What a media session reports, one struct per kind, each with only its own fields.
// Users handle an Event with std::visit and one overload per kind (common/overloaded.h),
// so that a kind added here does not compile until every user handles it.
#pragma once

#include "common/address.h"

#include <cstddef>
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

using Event = std::variant<TurnChallenged, TurnAllocated, TurnFailed, IceConnected, IceFailed,
                           ConsentLost, DtlsConnected, DtlsFailed, RtpSent, RtpReceived>;

inline const char* EventName(const Event& e) {
    return std::visit([](const auto& kind) { return kind.kName; }, e);
}

// "local <-> remote", as logs and the browser's stage detail show the pair.
inline std::string DescribePair(const IceConnected& e) {
    return e.local.ToString() + " <-> " + e.remote.ToString();
}

} // namespace cmslab::media
