// Escaping text for HTML and SVG (both XML-like): the ladder's labels and the boxes' log
// lines hold <, > and & (TLS cipher names, "->", JSON).
#pragma once

#include <string>

namespace cmslab::ladder {

std::string EscapeMarkup(const std::string& text);

} // namespace cmslab::ladder
