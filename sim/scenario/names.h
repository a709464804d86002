// Syntax of the names and times a scenario file holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::scenario {

// Node, network, certificate names: they become file names (logs/<node>.log,
// pcap/<network>.pcap), so letters, digits, '.', '_' and '-', not starting with '.'.
bool IsValidName(std::string_view name);

// A host name: dot-separated labels of letters, digits and '-' (not at either end of a
// label), 1..63 characters each, at most 253 in all; one trailing dot allowed.
bool IsHostName(std::string_view name);

// A DNS owner name: like a host name, but a label may start with '_' (SRV services).
bool IsDnsName(std::string_view name);

// Lower case, without a trailing dot: the form names are compared in.
std::string CanonicalDnsName(std::string_view name);

// "YYYY-MM-DDTHH:MM:SSZ" to Unix seconds; nullopt if malformed or out of range.
std::optional<std::int64_t> ParseUtcTime(std::string_view text);
std::string FormatUtcTime(std::int64_t unix_seconds);

} // namespace cmslab::scenario
