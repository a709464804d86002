// One line of logs/<box>.log, "<date> <time.ms> <component>: <text>", written by BoxLog
// and read back by whoever reads the logs (sim/diagnosis): the text is what the
// log_lines/ parsers read.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cmslab::devices {

struct BoxLogLine {
    std::string timestamp; // "2017-05-20 10:00:01.123"
    std::string component; // "turn", "browser", "Warning", ...
    std::string text;
};

std::string FormatBoxLogLine(const BoxLogLine& line);
// nullopt when the line does not start with a date, a time and a component.
std::optional<BoxLogLine> ParseBoxLogLine(std::string_view line);

} // namespace cmslab::devices
