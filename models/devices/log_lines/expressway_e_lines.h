// Expressway-E's log lines that the diagnosis reads: its listeners ("general"), TURN
// ("turn"), the web proxy's refusals ("webproxy") and the traversal zone's server side
// ("traversal").
#pragma once

#include "log_lines/line_fields.h"

#include <optional>
#include <string>
#include <string_view>

namespace cmslab::log_lines {

// The service name of the web proxy for CMS in ListeningOnTcpLine.
inline constexpr const char* kWebProxyService = "web proxy";

// "web proxy: listening on TCP 10.0.0.5:443".
struct ListeningOnTcpLine {
    std::string service; // kWebProxyService, "web administration", "traversal zone <name>"
    std::string endpoint;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("service", self.service);
        f("endpoint", self.endpoint);
    }
};
using ListeningOnTcp = LineKind<Kind::ListeningOnTcp, ListeningOnTcpLine>;

// "TURN services are off".
struct TurnServicesOffLine {
    template <class Self, class F> static void Fields(Self&, F&&) {}
};
using TurnServicesOff = LineKind<Kind::TurnServicesOff, TurnServicesOffLine>;

// "TURN relays on 10.0.0.5 ports 24000-29999, advertised as 203.0.113.10; realm lab".
struct TurnRelaysLine {
    std::string address; // where the relays are opened
    int min_port = 0;
    int max_port = 0;
    std::string advertised; // what the clients are told (the public, static NAT address)
    std::string realm;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("address", self.address);
        f("min_port", self.min_port);
        f("max_port", self.max_port);
        f("advertised", self.advertised);
        f("realm", self.realm);
    }
};
using TurnRelays = LineKind<Kind::TurnRelays, TurnRelaysLine>;

// "431 Integrity Check Failure to UDP 198.51.100.9:49154 -> 10.0.0.5:3478 user labuser":
// the TURN server refused a request's credentials.
struct TurnAuthFailureLine {
    int code = 0;
    std::string reason;
    std::string transport; // "UDP", "TCP"
    std::string client;    // address:port as the server sees it
    std::string server;
    std::string user;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("code", self.code);
        f("reason", self.reason);
        f("transport", self.transport);
        f("client", self.client);
        f("server", self.server);
        f("user", self.user);
    }
};
using TurnAuthFailure = LineKind<Kind::TurnAuthFailure, TurnAuthFailureLine>;

// "allocation for labuser from UDP 198.51.100.9:49154 -> 10.0.0.5:3478: relay
// 10.0.0.5:24377 advertised 203.0.113.10:24377, lifetime 600 s".
struct TurnAllocationLine {
    std::string user;
    std::string transport;
    std::string client;
    std::string server;
    std::string relay;
    std::string advertised;
    int lifetime = 0; // seconds
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("user", self.user);
        f("transport", self.transport);
        f("client", self.client);
        f("server", self.server);
        f("relay", self.relay);
        f("advertised", self.advertised);
        f("lifetime", self.lifetime);
    }
};
using TurnAllocation = LineKind<Kind::TurnAllocation, TurnAllocationLine>;

// "Request refused: GET / Host: meet.example.net from 198.51.100.9:49153: <reason>;
// answered 400 Bad Request": the web proxy's 400.
struct RequestRefusedLine {
    std::string method;
    std::string target;
    std::string host; // empty when the request had none
    std::string peer;
    std::string reason; // HostNotLearned's text, "no Host", "no tunnel to Expressway-C", ...
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("method", self.method);
        f("target", self.target);
        f("host", self.host);
        f("peer", self.peer);
        f("reason", self.reason);
    }
};
using RequestRefused = LineKind<Kind::RequestRefused, RequestRefusedLine>;

// The reason of a RequestRefusedLine when Expressway-C never announced the Host:
// "Host 'meet.example.net' is not a web bridge URL learned from Expressway-C".
struct HostNotLearnedReason {
    std::string host;
    template <class Self, class F> static void Fields(Self& self, F&& f) { f("host", self.host); }
};
using HostNotLearned = LineKind<Kind::HostNotLearned, HostNotLearnedReason>;

// A traversal zone line with the client's address after it: "<line> (10.0.0.6:49154)".
// The line is one of the traversal lines below, or another of the zone's notes.
struct TraversalFromPeerLine {
    std::string line;
    std::string peer;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("line", self.line);
        f("peer", self.peer);
    }
};
using TraversalFromPeer = LineKind<Kind::TraversalFromPeer, TraversalFromPeerLine>;

// "Traversal zone Lab Zone: challenged SERVICE (realm LAB)": the digest challenge.
struct TraversalChallengedLine {
    std::string zone;
    std::string method;
    std::string realm;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("zone", self.zone);
        f("method", self.method);
        f("realm", self.realm);
    }
};
using TraversalChallenged = LineKind<Kind::TraversalChallenged, TraversalChallengedLine>;

// "Traversal zone Lab Zone: client authenticated as zoneuser".
struct TraversalAuthenticatedLine {
    std::string zone;
    std::string user;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("zone", self.zone);
        f("user", self.user);
    }
};
using TraversalAuthenticated = LineKind<Kind::TraversalAuthenticated, TraversalAuthenticatedLine>;

// "Traversal zone Lab Zone: authentication failed: <why>".
struct TraversalAuthRefusedLine {
    std::string zone;
    std::string why; // TraversalWrongPassword's text, "unknown nonce", ...
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("zone", self.zone);
        f("why", self.why);
    }
};
using TraversalAuthRefused = LineKind<Kind::TraversalAuthRefused, TraversalAuthRefusedLine>;

// The why of a TraversalAuthRefusedLine: "wrong password for 'zoneuser'".
struct TraversalWrongPasswordReason {
    std::string user;
    template <class Self, class F> static void Fields(Self& self, F&& f) { f("user", self.user); }
};
using TraversalWrongPassword = LineKind<Kind::TraversalWrongPassword, TraversalWrongPasswordReason>;

} // namespace cmslab::log_lines
