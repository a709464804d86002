#include "ladder/markup.h"

#include "common/text.h"

namespace cmslab::ladder {

std::string EscapeMarkup(const std::string& text) {
    return XmlEscape(text);
}

} // namespace cmslab::ladder
