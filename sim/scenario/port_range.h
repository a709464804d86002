// An inclusive range of transport ports: "3478" or "24000-29999".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::scenario {

struct PortRange {
    std::uint16_t low = 1;
    std::uint16_t high = 65535;

    bool Contains(std::uint16_t port) const { return port >= low && port <= high; }
    std::string ToString() const;
    // "N" or "LOW-HIGH", 1 <= LOW <= HIGH <= 65535; nullopt otherwise.
    static std::optional<PortRange> Parse(std::string_view text);
};

} // namespace cmslab::scenario
