#include "host.h"

#include "common/address.h"
#include "http/headers.h"

namespace cmslab::http {

namespace {

bool IsRegNameChar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '-':
    case '.':
    case '_':
    case '~': // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')': // sub-delims
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case '%':
        return true;
    default:
        return false;
    }
}

std::string_view StripDot(std::string_view s) {
    if (!s.empty() && s.back() == '.')
        s.remove_suffix(1);
    return s;
}

std::string_view StripBrackets(std::string_view s) {
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']')
        return s.substr(1, s.size() - 2);
    return s;
}

} // namespace

std::string HostPort::ToString() const {
    std::string out = ipv6_literal ? "[" + host + "]" : host;
    if (port)
        out += ":" + std::to_string(*port);
    return out;
}

Expected<HostPort> ParseHost(std::string_view value) {
    HostPort hp;
    std::string_view rest;
    if (!value.empty() && value.front() == '[') {
        const auto close = value.find(']');
        if (close == std::string_view::npos)
            return Error{"unterminated IPv6 literal in Host"};
        const auto literal = value.substr(1, close - 1);
        const auto addr = IpAddress::Parse(literal);
        if (!addr || addr->IsV4())
            return Error{"invalid IPv6 literal in Host"};
        hp.host = std::string(literal);
        hp.ipv6_literal = true;
        rest = value.substr(close + 1);
    } else {
        const auto colon = value.find(':');
        const auto name = value.substr(0, colon);
        if (name.empty())
            return Error{"empty host name"};
        for (char c : name) {
            if (!IsRegNameChar(static_cast<unsigned char>(c)))
                return Error{"invalid character in host name"};
        }
        hp.host = std::string(name);
        rest = colon == std::string_view::npos ? std::string_view() : value.substr(colon);
    }
    if (rest.empty())
        return hp;
    if (rest.front() != ':')
        return Error{"junk after host"};
    rest.remove_prefix(1);
    if (rest.empty())
        return hp;
    if (rest.size() > 5)
        return Error{"port out of range"};
    std::uint32_t port = 0;
    for (char c : rest) {
        if (c < '0' || c > '9')
            return Error{"invalid port"};
        port = port * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (port > 65535)
        return Error{"port out of range"};
    hp.port = static_cast<std::uint16_t>(port);
    return hp;
}

bool HostNamesEqual(std::string_view a, std::string_view b) {
    a = StripBrackets(a);
    b = StripBrackets(b);
    const auto ia = IpAddress::Parse(a);
    const auto ib = IpAddress::Parse(b);
    if (ia && ib)
        return *ia == *ib;
    return EqualsIgnoreCase(StripDot(a), StripDot(b));
}

bool HostMatches(std::string_view host_value, std::string_view name, std::uint16_t port) {
    const auto hp = ParseHost(TrimOws(host_value));
    if (!hp)
        return false;
    if (hp->port && *hp->port != port)
        return false;
    return HostNamesEqual(hp->host, name);
}

} // namespace cmslab::http
