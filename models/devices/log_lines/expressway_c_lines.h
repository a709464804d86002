// Expressway-C's log lines that the diagnosis reads: the Meeting Server web proxy's cache
// and probe ("webproxy") and the traversal zone's client side ("traversal").
#pragma once

#include "log_lines/line_fields.h"

#include <optional>
#include <string>
#include <string_view>

namespace cmslab::log_lines {

// "Success: address meet.example.net resolved successfully. The local cache has no
// changes": the web proxy cache's look-up of a Guest account client URI's host. The same
// text is the cache entry's result on the status page.
struct CacheResolvedLine {
    std::string name;
    std::string changes; // "The local cache has no changes", "... Inserted: 10.0.0.7"
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("name", self.name);
        f("changes", self.changes);
    }
};
using CacheResolved = LineKind<Kind::CacheResolved, CacheResolvedLine>;

// "Meeting Server web bridge meet.example.net at 10.0.0.7:443 probed successfully
// (TLSv1.3, certificate CN = web.example.local)".
struct WebBridgeProbedLine {
    std::string name;
    std::string endpoint; // address:port where it reached the web bridge
    std::string version;
    std::string subject; // "CN = web.example.local", as OpenSSL writes a subject
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("name", self.name);
        f("endpoint", self.endpoint);
        f("version", self.version);
        f("subject", self.subject);
    }
};
using WebBridgeProbed = LineKind<Kind::WebBridgeProbed, WebBridgeProbedLine>;

// "Meeting Server web bridge meet.example.net at 10.0.0.7:443: probe failed: tls failed:
// alert received: fatal protocol_version (70)": the probe's TCP or TLS did not succeed.
struct WebBridgeProbeFailedLine {
    std::string name;
    std::string endpoint;
    std::string why; // the connection's close reason
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("name", self.name);
        f("endpoint", self.endpoint);
        f("why", self.why);
    }
};
using WebBridgeProbeFailed = LineKind<Kind::WebBridgeProbeFailed, WebBridgeProbeFailedLine>;

// "Traversal zone Lab Zone: Failed: <why>".
struct TraversalZoneFailedLine {
    std::string zone;
    std::string why;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("zone", self.zone);
        f("why", self.why);
    }
};
using TraversalZoneFailed = LineKind<Kind::TraversalZoneFailed, TraversalZoneFailedLine>;

// The common name in a subject as OpenSSL writes it ("CN = a.example, O = x" ->
// "a.example"); "" when there is none.
std::string CommonName(std::string_view subject);

} // namespace cmslab::log_lines
