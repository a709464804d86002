// Where the client side of an HTTP connection is, as one state moved by one function:
// what may still happen on the connection follows from it (requests taken, responses
// read, the stream handed to another protocol). A step that makes no sense in the
// current state is refused and counted, never silently applied.
#pragma once

#include "common/state_machine.h"

#include <optional>

namespace cmslab::devices::net {

enum class HttpClientState {
    Open,       // takes requests, reads responses
    Draining,   // the last response said the connection ends: no new request
    Switched,   // a 101 answered a plain request: the stream waits to be taken
    Closing,    // the owner closed it; its stream is closing
    Finished,   // no more responses will come (the peer closed, or a response was unreadable)
    HandedOver, // the stream went to a WebSocket or to whoever took it after the 101
    Detached,   // the owner is gone: nothing is reported any more
};

enum class HttpClientStep {
    LastResponse, // a response after which the connection closes
    Switch,       // 101 Switching Protocols
    HandOver,     // the stream leaves the session
    LocalClose,   // the owner's Close()
    End,          // the stream closed or failed
    Detach,       // the owner destroyed the session
};

const char* HttpClientStateName(HttpClientState state);

// The state `step` leads to from `from`, or nullopt when it makes no sense there.
std::optional<HttpClientState> NextHttpClientState(HttpClientState from, HttpClientStep step);

// The client connection's state and the steps it refused.
class HttpClientStateMachine : public StateMachine<HttpClientState, HttpClientStep> {
  public:
    HttpClientStateMachine() : StateMachine(HttpClientState::Open, &NextHttpClientState) {}

    bool TakesRequests() const { return Get() == HttpClientState::Open; }
    // Responses can still arrive and be read.
    bool Reading() const {
        return Get() == HttpClientState::Open || Get() == HttpClientState::Draining ||
               Get() == HttpClientState::Closing;
    }
    // Nothing more happens on the connection.
    bool Over() const {
        return Get() == HttpClientState::Finished || Get() == HttpClientState::HandedOver ||
               Get() == HttpClientState::Detached;
    }
};

} // namespace cmslab::devices::net
