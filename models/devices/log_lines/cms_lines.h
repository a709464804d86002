// The CMS's log lines that the diagnosis reads (component: the level, "Warning").
#pragma once

#include "log_lines/line_fields.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::log_lines {

// The ICE failure code the CMS logs when the TURN server refuses its credentials (its
// reason then says "unauthorized - check credentials").
inline constexpr int kIceFailureUnauthorized = 4;

// "web bridge link 1: name resolution for \"web.example.local\" failed".
struct WebBridgeNameResolutionFailedLine {
    std::uint64_t link = 0;
    std::string host;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("link", self.link);
        f("host", self.host);
    }
};
using WebBridgeNameResolutionFailed =
    LineKind<Kind::WebBridgeNameResolutionFailed, WebBridgeNameResolutionFailedLine>;

// "web bridge link 1: TLS negotiation failed (<error>)".
struct WebBridgeTlsFailedLine {
    std::uint64_t link = 0;
    std::string error;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("link", self.link);
        f("error", self.error);
    }
};
using WebBridgeTlsFailed = LineKind<Kind::WebBridgeTlsFailed, WebBridgeTlsFailedLine>;

// "failed to establish connection to web bridge link 1 (unknown error)".
struct WebBridgeConnectFailedLine {
    std::uint64_t link = 0;
    template <class Self, class F> static void Fields(Self& self, F&& f) { f("link", self.link); }
};
using WebBridgeConnectFailed = LineKind<Kind::WebBridgeConnectFailed, WebBridgeConnectFailedLine>;

// "call 1: ICE failure 4 (unauthorized - check credentials)".
struct IceFailureLine {
    std::uint64_t call = 0;
    int code = 0; // kIceFailureUnauthorized, 2 (no answer, another refusal), 3 (checks failed)
    std::string reason;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("call", self.call);
        f("code", self.code);
        f("reason", self.reason);
    }
};
using IceFailure = LineKind<Kind::IceFailure, IceFailureLine>;

// "participant \"guest7@example.local\" refused entry to space <uuid> (Team space):
// participant limit 15 reached": the call already holds as many as its limit allows.
struct ParticipantLimitReachedLine {
    std::string jid;
    std::string space; // uuid
    std::string name;
    std::uint64_t limit = 0;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("jid", self.jid);
        f("space", self.space);
        f("name", self.name);
        f("limit", self.limit);
    }
};
using ParticipantLimitReached =
    LineKind<Kind::ParticipantLimitReached, ParticipantLimitReachedLine>;

// "call 1: no answer from TURN server 192.0.2.8:3478 over UDP (no answer after 5 s);
// allocating over TCP to 192.0.2.8:3478": the Call Bridge's Allocate over UDP went
// unanswered and it tries TURN over TCP (RFC 8656 section 3.1), as browsers do (lab
// wording).
struct TurnTcpFallbackLine {
    std::uint64_t call = 0;
    std::string server; // address:port over UDP
    std::string why;
    std::string tcp_server; // address:port over TCP
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("call", self.call);
        f("server", self.server);
        f("why", self.why);
        f("tcp_server", self.tcp_server);
    }
};
using TurnTcpFallback = LineKind<Kind::TurnTcpFallback, TurnTcpFallbackLine>;

// "call 1: TURN relay 198.51.100.4:24012 allocated over TCP at 192.0.2.8:3478" (lab
// wording): the relay after the fallback; the relay to the peer stays UDP.
struct TurnAllocatedOverTcpLine {
    std::uint64_t call = 0;
    std::string relay;
    std::string server;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("call", self.call);
        f("relay", self.relay);
        f("server", self.server);
    }
};
using TurnAllocatedOverTcp = LineKind<Kind::TurnAllocatedOverTcp, TurnAllocatedOverTcpLine>;

} // namespace cmslab::log_lines
