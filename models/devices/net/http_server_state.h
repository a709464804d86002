// Where the server side of an HTTP connection is, as one state moved by one function
// (common/state_machine.h): whether it reads further requests, whether an upgrade request
// is with the handler, whether the stream is gone.
#pragma once

#include "common/state_machine.h"

#include <optional>

namespace cmslab::devices::net {

enum class HttpServerState {
    Reading,         // reads and hands on requests
    Draining,        // a final request or an unreadable one: reads no further, answers go out
    UpgradeOpen,     // an upgrade request is with the handler, undecided: reading waits
    LastUpgradeOpen, // the same, and the connection ends once it is answered
    Finished,        // the stream is closed, by either side
    HandedOver,      // the stream went to the protocol the upgrade switched to
    Detached,        // the owner is gone: nothing is handed on or reported any more
};

enum class HttpServerStep {
    FinalRequest,    // no request after this one (Connection: close, HTTP/1.0, a parse error)
    UpgradeHanded,   // an upgrade request went to the handler
    UpgradeDeclined, // it was answered with an ordinary response: HTTP goes on
    HandOver,        // 101: the stream leaves the session
    End,             // the stream closed
    Detach,          // the owner destroyed the session
};

const char* HttpServerStateName(HttpServerState state);

std::optional<HttpServerState> NextHttpServerState(HttpServerState from, HttpServerStep step);

class HttpServerStateMachine : public StateMachine<HttpServerState, HttpServerStep> {
  public:
    HttpServerStateMachine() : StateMachine(HttpServerState::Reading, &NextHttpServerState) {}

    bool Reading() const { return Get() == HttpServerState::Reading; }
    bool Over() const {
        return Get() == HttpServerState::Finished || Get() == HttpServerState::HandedOver ||
               Get() == HttpServerState::Detached;
    }
};

} // namespace cmslab::devices::net
