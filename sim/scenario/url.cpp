#include "scenario/url.h"

#include "common/address.h"
#include "scenario/names.h"

#include <cctype>
#include <charconv>

namespace cmslab::scenario {

namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::optional<Url> Url::Parse(std::string_view text) {
    Url url;
    url.text = std::string(text);
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return std::nullopt;
    const auto sep = text.find("://");
    if (sep == std::string_view::npos)
        return std::nullopt;
    url.scheme = Lower(text.substr(0, sep));
    if (url.scheme != "http" && url.scheme != "https")
        return std::nullopt;
    auto rest = text.substr(sep + 3);
    const auto path_at = rest.find_first_of("/?#");
    auto authority = rest.substr(0, path_at);
    if (path_at != std::string_view::npos) {
        url.path = std::string(rest.substr(path_at));
        if (url.path[0] != '/')
            url.path = "/" + url.path;
    }
    if (authority.find('@') != std::string_view::npos)
        return std::nullopt;
    std::string_view host = authority;
    std::string_view port_text;
    if (!authority.empty() && authority[0] == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = authority.substr(1, close - 1);
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':')
                return std::nullopt;
            port_text = after.substr(1);
            if (port_text.empty())
                return std::nullopt;
        }
        auto ip = IpAddress::Parse(host);
        if (!ip || ip->IsV4())
            return std::nullopt;
    } else {
        const auto colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            host = authority.substr(0, colon);
            port_text = authority.substr(colon + 1);
            if (port_text.empty())
                return std::nullopt;
        }
        if (!IpAddress::Parse(host) && !IsHostName(host))
            return std::nullopt;
    }
    if (host.empty())
        return std::nullopt;
    url.host = Lower(host);
    if (url.host.back() == '.')
        url.host.pop_back();
    if (!port_text.empty()) {
        unsigned port = 0;
        auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535)
            return std::nullopt;
        url.port = static_cast<std::uint16_t>(port);
    }
    return url;
}

std::uint16_t Url::EffectivePort() const {
    if (port != 0)
        return port;
    return scheme == "https" ? 443 : 80;
}

} // namespace cmslab::scenario
