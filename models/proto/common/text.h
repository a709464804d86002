// ASCII-only text helpers shared by the codecs. Protocol names (DNS labels, HTTP header
// names, host names) fold case in ASCII only (RFC 4343, RFC 9110): bytes above 0x7f
// compare as they are, whatever the locale.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cmslab {

constexpr char AsciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string AsciiToLower(std::string_view s);
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// The items with `separator` between them ("a, b, c").
std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ");

// Text for an XML element or attribute value: & < > " ' escaped, and the control
// characters XML 1.0 does not allow (all below 0x20 but tab, LF, CR) replaced by U+FFFD,
// so any value, however it was configured or logged, gives a well-formed document.
std::string XmlEscape(std::string_view text);

// 0-15 for a hex digit of either case, -1 for anything else.
constexpr int HexDigitValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace cmslab
