#include "cms/xml_text.h"

namespace cmslab::cms {

std::string XmlElement(std::string_view name, std::string_view text) {
    std::string out = "<";
    out += name;
    out += ">";
    out += XmlEscape(text);
    out += "</";
    out += name;
    out += ">";
    return out;
}

} // namespace cmslab::cms
