#include "log_lines/dns_lines.h"

namespace cmslab::log_lines {

std::string QueriedName(const DnsQueryLine& line) {
    return line.question.substr(0, line.question.find(' '));
}

} // namespace cmslab::log_lines
