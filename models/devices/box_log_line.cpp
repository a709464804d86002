#include "box_log_line.h"

#include <cctype>

namespace cmslab::devices {

namespace {

constexpr std::string_view kAfterComponent = ": ";

// Digits with the given separators where the shape has them: "dddd-dd-dd", "dd:dd:dd.ddd".
bool HasShape(std::string_view text, std::string_view shape) {
    if (text.size() != shape.size())
        return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
        if (shape[i] == 'd' ? !digit : text[i] != shape[i])
            return false;
    }
    return true;
}

} // namespace

std::string FormatBoxLogLine(const BoxLogLine& line) {
    std::string out = line.timestamp;
    out += ' ';
    out += line.component;
    out += kAfterComponent;
    out += line.text;
    return out;
}

std::optional<BoxLogLine> ParseBoxLogLine(std::string_view line) {
    const std::size_t date_end = line.find(' ');
    if (date_end == std::string_view::npos)
        return std::nullopt;
    const std::size_t time_end = line.find(' ', date_end + 1);
    if (time_end == std::string_view::npos)
        return std::nullopt;
    const std::string_view date = line.substr(0, date_end);
    const std::string_view time = line.substr(date_end + 1, time_end - date_end - 1);
    if (!HasShape(date, "dddd-dd-dd") || !HasShape(time, "dd:dd:dd.ddd"))
        return std::nullopt;
    const std::size_t component_end = line.find(kAfterComponent, time_end + 1);
    if (component_end == std::string_view::npos || component_end == time_end + 1)
        return std::nullopt;
    const std::string_view component = line.substr(time_end + 1, component_end - time_end - 1);
    if (component.find(' ') != std::string_view::npos)
        return std::nullopt;
    return BoxLogLine{std::string(line.substr(0, time_end)), std::string(component),
                      std::string(line.substr(component_end + kAfterComponent.size()))};
}

} // namespace cmslab::devices
