#include "http_server_state.h"

namespace cmslab::devices::net {

const char* HttpServerStateName(HttpServerState state) {
    switch (state) {
    case HttpServerState::Reading:
        return "reading";
    case HttpServerState::Draining:
        return "draining";
    case HttpServerState::UpgradeOpen:
        return "upgrade_open";
    case HttpServerState::LastUpgradeOpen:
        return "last_upgrade_open";
    case HttpServerState::Finished:
        return "finished";
    case HttpServerState::HandedOver:
        return "handed_over";
    case HttpServerState::Detached:
        return "detached";
    }
    return "?";
}

std::optional<HttpServerState> NextHttpServerState(HttpServerState from, HttpServerStep step) {
    using S = HttpServerState;
    using T = HttpServerStep;
    static constexpr Transition<S, T> kEdges[] = {
        {S::Reading, T::FinalRequest, S::Draining},
        {S::Reading, T::UpgradeHanded, S::UpgradeOpen},
        // An answer to an earlier request that closes the connection; a second reason
        // to stop reading changes nothing.
        {S::Draining, T::FinalRequest, S::Draining},
        // The upgrade request was itself the last one (Connection: Upgrade, close).
        {S::Draining, T::UpgradeHanded, S::LastUpgradeOpen},
        {S::UpgradeOpen, T::UpgradeDeclined, S::Reading},
        {S::UpgradeOpen, T::FinalRequest, S::LastUpgradeOpen}, // declined with close
        {S::LastUpgradeOpen, T::UpgradeDeclined, S::Draining},
        {S::LastUpgradeOpen, T::FinalRequest, S::LastUpgradeOpen},
        {S::UpgradeOpen, T::HandOver, S::HandedOver},
        {S::LastUpgradeOpen, T::HandOver, S::HandedOver},
    };
    switch (step) {
    case T::End: // the stream may close under any live state
        if (from == S::Finished || from == S::HandedOver || from == S::Detached)
            return std::nullopt;
        return S::Finished;
    case T::Detach:
        return from == S::Detached ? std::nullopt : std::optional<S>(S::Detached);
    case T::FinalRequest:
    case T::UpgradeHanded:
    case T::UpgradeDeclined:
    case T::HandOver:
        break;
    }
    return FollowTransition(kEdges, from, step);
}

} // namespace cmslab::devices::net
