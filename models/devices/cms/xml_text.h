// Element text and attribute values in the API's XML answers.
#pragma once

#include <string>
#include <string_view>

namespace cmslab::cms {

// Escapes & < > " ' so any configured value reads back as written.
std::string XmlEscape(std::string_view text);
// "<name>escaped text</name>"
std::string XmlElement(std::string_view name, std::string_view text);

} // namespace cmslab::cms
