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

} // namespace cmslab::log_lines
