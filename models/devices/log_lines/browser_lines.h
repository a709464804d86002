// The guest's browser's log lines that the diagnosis reads (component "browser").
#pragma once

#include "log_lines/line_fields.h"

#include <optional>
#include <string>
#include <string_view>

namespace cmslab::log_lines {

// "tcp failed: 203.0.113.7:443 timed out (...)": a stage of the join failed.
struct StageFailedLine {
    std::string stage;  // "dns", "tcp", "certificate", "guest_login", ... (outcome's keys)
    std::string detail; // the stage's detail, as summary.json has it
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("stage", self.stage);
        f("detail", self.detail);
    }
};
using StageFailed = LineKind<Kind::StageFailed, StageFailedLine>;

// "TURN Allocate at 203.0.113.10:3478 as labuser": where the browser asks for its relay.
struct TurnAllocateLine {
    std::string server; // address:port
    std::string user;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("server", self.server);
        f("user", self.user);
    }
};
using TurnAllocate = LineKind<Kind::TurnAllocate, TurnAllocateLine>;

// "TURN 203.0.113.10:3478/udp: no answer after 5 s; trying the next TURN URL": the
// browser gave up one URL of iceServers for the next (UDP blocked: TCP next).
struct TurnUrlGivenUpLine {
    std::string url; // host:port/transport
    std::string why;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("url", self.url);
        f("why", self.why);
    }
};
using TurnUrlGivenUp = LineKind<Kind::TurnUrlGivenUp, TurnUrlGivenUpLine>;

// "StartIce: ICE, DTLS and media are not carried out by this browser model yet": a step
// the lab's browser model did not carry out, a limit of the lab rather than a fault.
struct NotCarriedOutLine {
    std::string action; // the guest script's action
    std::string what;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("action", self.action);
        f("what", self.what);
    }
};
using NotCarriedOut = LineKind<Kind::NotCarriedOut, NotCarriedOutLine>;

} // namespace cmslab::log_lines
