#include "cms/xml_text.h"

namespace cmslab::cms {

std::string XmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

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
