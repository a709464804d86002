// The Host header field (RFC 9110 7.2): host and optional port. A reverse proxy such as
// Expressway-E forwards or refuses a request by comparing this name with the names it
// was configured for.
#pragma once

#include "common/expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::http {

struct HostPort {
    std::string host;                  // as written, without the brackets of an IPv6 literal
    std::optional<std::uint16_t> port; // absent when not written (or written empty)
    bool ipv6_literal = false;

    // Back to the field value form: "name", "name:8443", "[::1]:443".
    std::string ToString() const;
};

// Accepts reg-name (RFC 3986 unreserved, sub-delims, pct-encoded), IPv4, and a bracketed
// IPv6 literal, each with an optional ":port" (0-65535).
Expected<HostPort> ParseHost(std::string_view value);

// Host names compared without case and ignoring one trailing dot ("A.example." equals
// "a.example"); IPv6 literals compared as addresses.
bool HostNamesEqual(std::string_view a, std::string_view b);

// Whether a Host value names `name`, on `port` when the value carries a port (a missing
// port means the scheme's default, which the caller passes as `port`).
bool HostMatches(std::string_view host_value, std::string_view name, std::uint16_t port);

} // namespace cmslab::http
