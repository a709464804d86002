#include "log_lines/expressway_c_lines.h"

namespace cmslab::log_lines {

std::string CommonName(std::string_view subject) {
    constexpr std::string_view kCn = "CN = ";
    const std::size_t at = subject.find(kCn);
    if (at == std::string_view::npos)
        return "";
    const std::string_view rest = subject.substr(at + kCn.size());
    return std::string(rest.substr(0, rest.find_first_of(",)")));
}

} // namespace cmslab::log_lines
