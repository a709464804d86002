#include "log_lines/line_fields.h"

namespace cmslab::log_lines::detail {

bool FromText(std::string_view text, std::string& out) {
    out = std::string(text);
    return true;
}

} // namespace cmslab::log_lines::detail
