// Element text and attribute values in the API's XML answers.
#pragma once

#include "common/text.h" // XmlEscape

#include <string>
#include <string_view>

namespace cmslab::cms {

// "<name>escaped text</name>"
std::string XmlElement(std::string_view name, std::string_view text);

} // namespace cmslab::cms
