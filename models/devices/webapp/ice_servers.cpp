#include "webapp/ice_servers.h"

#include "common/address.h"

namespace cmslab::webapp {

namespace {

std::string HostPart(std::string_view host) {
    const auto ip = IpAddress::Parse(host);
    if (ip && !ip->IsV4())
        return "[" + ip->ToString() + "]";
    return std::string(host);
}

bool ValidHostName(std::string_view host) {
    if (host.empty() || host.size() > 253)
        return false;
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

IceServer TurnIceServer(std::string_view client_address, std::uint16_t port,
                        std::string_view username, std::string_view password) {
    const std::string base = "turn:" + HostPart(client_address) + ":" + std::to_string(port);
    IceServer server;
    server.urls = {base + "?transport=udp", base + "?transport=tcp"};
    server.username = std::string(username);
    server.credential = std::string(password);
    return server;
}

Expected<TurnUrl> ParseTurnUrl(std::string_view url) {
    TurnUrl out;
    if (url.substr(0, 5) == "turn:") {
        url.remove_prefix(5);
    } else if (url.substr(0, 6) == "turns:") {
        out.secure = true;
        out.port = 5349;
        out.transport = "tcp";
        url.remove_prefix(6);
    } else {
        return Error{"not a turn: or turns: URL"};
    }
    std::string_view query;
    if (const auto q = url.find('?'); q != std::string_view::npos) {
        query = url.substr(q + 1);
        url = url.substr(0, q);
    }
    std::string_view port_text;
    if (!url.empty() && url.front() == '[') {
        const auto close = url.find(']');
        if (close == std::string_view::npos)
            return Error{"unterminated IPv6 literal"};
        const auto inside = url.substr(1, close - 1);
        const auto ip = IpAddress::Parse(inside);
        if (!ip || ip->IsV4())
            return Error{"bad IPv6 literal"};
        out.host = std::string(inside);
        const auto rest = url.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return Error{"junk after IPv6 literal"};
            port_text = rest.substr(1);
            if (port_text.empty())
                return Error{"empty port"};
        }
    } else {
        const auto colon = url.find(':');
        const auto host = url.substr(0, colon);
        if (!ValidHostName(host))
            return Error{"bad host"};
        out.host = std::string(host);
        if (colon != std::string_view::npos) {
            port_text = url.substr(colon + 1);
            if (port_text.empty())
                return Error{"empty port"};
        }
    }
    if (!port_text.empty()) {
        if (port_text.size() > 5)
            return Error{"bad port"};
        unsigned value = 0;
        for (char c : port_text) {
            if (c < '0' || c > '9')
                return Error{"bad port"};
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value == 0 || value > 65535)
            return Error{"port out of range"};
        out.port = static_cast<std::uint16_t>(value);
    }
    if (!query.empty()) {
        if (query == "transport=udp")
            out.transport = "udp";
        else if (query == "transport=tcp")
            out.transport = "tcp";
        else
            return Error{"unknown TURN URL query"};
    }
    return out;
}

} // namespace cmslab::webapp
