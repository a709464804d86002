#include "scenario/port_range.h"

#include <charconv>

namespace cmslab::scenario {

namespace {

std::optional<std::uint16_t> ParsePort(std::string_view text) {
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0'))
        return std::nullopt;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::string PortRange::ToString() const {
    if (low == high)
        return std::to_string(low);
    return std::to_string(low) + "-" + std::to_string(high);
}

std::optional<PortRange> PortRange::Parse(std::string_view text) {
    const auto dash = text.find('-');
    auto low = ParsePort(text.substr(0, dash));
    if (!low)
        return std::nullopt;
    if (dash == std::string_view::npos)
        return PortRange{*low, *low};
    auto high = ParsePort(text.substr(dash + 1));
    if (!high || *high < *low)
        return std::nullopt;
    return PortRange{*low, *high};
}

} // namespace cmslab::scenario
