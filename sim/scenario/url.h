// A web address as a box or a person types it (https://cmsweb.example.com:8443/path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::scenario {

struct Url {
    std::string text;       // as written
    std::string scheme;     // "http" or "https", lower case
    std::string host;       // name (lower case) or address; IPv6 without brackets
    std::uint16_t port = 0; // 0: the scheme's default
    std::string path = "/"; // with query, if any

    // Accepts http and https URLs with a host name or address, optional port and path;
    // no user info. nullopt for anything else.
    static std::optional<Url> Parse(std::string_view text);
    std::uint16_t EffectivePort() const;
};

} // namespace cmslab::scenario
