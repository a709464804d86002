#include "http_client_state.h"

namespace cmslab::devices::net {

const char* HttpClientStateName(HttpClientState state) {
    switch (state) {
    case HttpClientState::Open:
        return "open";
    case HttpClientState::Draining:
        return "draining";
    case HttpClientState::Switched:
        return "switched";
    case HttpClientState::Closing:
        return "closing";
    case HttpClientState::Finished:
        return "finished";
    case HttpClientState::HandedOver:
        return "handed_over";
    case HttpClientState::Detached:
        return "detached";
    }
    return "?";
}

std::optional<HttpClientState> NextHttpClientState(HttpClientState from, HttpClientStep step) {
    using S = HttpClientState;
    using T = HttpClientStep;
    // clang-format off
    static constexpr Transition<S, T> kEdges[] = {
        {S::Open,     T::LastResponse, S::Draining},
        {S::Open,     T::Switch,       S::Switched},
        {S::Open,     T::HandOver,     S::HandedOver}, // a WebSocket handshake that succeeded
        {S::Open,     T::LocalClose,   S::Closing},
        {S::Open,     T::End,          S::Finished},
        {S::Draining, T::LocalClose,   S::Closing},
        {S::Draining, T::End,          S::Finished},
        {S::Switched, T::HandOver,     S::HandedOver}, // TakeUpgradedStream
        {S::Switched, T::LocalClose,   S::Closing},
        {S::Switched, T::End,          S::Finished},
        {S::Closing,  T::End,          S::Finished},
    };
    // clang-format on
    // The owner may go at any time, also during a callback of the session itself.
    if (step == T::Detach)
        return from == S::Detached ? std::nullopt : std::optional<S>(S::Detached);
    return FollowTransition(kEdges, from, step);
}

} // namespace cmslab::devices::net
