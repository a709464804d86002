#include "host_policy.h"

#include "http/headers.h"
#include "http/host.h"
#include "http/serializer.h"
#include "log_lines/expressway_e_lines.h"

#include <algorithm>

namespace cmslab::expressway {

WebBridgeName ParseWebBridgeUrl(std::string_view url) {
    std::string_view rest = url;
    std::uint16_t default_port = 0;
    const std::size_t scheme_end = rest.find("://");
    if (scheme_end != std::string_view::npos) {
        const std::string scheme = http::ToLower(rest.substr(0, scheme_end));
        if (scheme == "https")
            default_port = 443;
        else if (scheme == "http")
            default_port = 80;
        else
            return {};
        rest.remove_prefix(scheme_end + 3);
    }
    rest = rest.substr(0, std::min(rest.find('/'), rest.size()));
    rest = rest.substr(0, std::min(rest.find('?'), rest.size()));
    if (rest.find('@') != std::string_view::npos)
        return {};
    auto hp = http::ParseHost(rest);
    if (!hp || hp->host.empty())
        return {};
    WebBridgeName name;
    name.host = http::ToLower(hp->host);
    if (!name.host.empty() && name.host.back() == '.')
        name.host.pop_back();
    if (name.host.empty())
        return {};
    name.port = hp->port.value_or(default_port);
    return name;
}

std::vector<std::string> HostPolicy::SetWebBridges(const std::vector<std::string>& urls) {
    std::vector<std::string> ignored;
    m_names.clear();
    for (const std::string& u : urls) {
        WebBridgeName n = ParseWebBridgeUrl(u);
        if (n.host.empty()) {
            ignored.push_back(u);
            continue;
        }
        m_names.push_back(std::move(n));
    }
    return ignored;
}

HostDecision HostPolicy::Check(const http::RequestHead& request) const {
    const std::vector<std::string> hosts = request.headers.GetAll("Host");
    if (hosts.size() != 1) {
        HostDecision d;
        d.reason = hosts.empty() ? "no Host" : "several Host fields";
        return d;
    }
    return CheckHost(hosts.front());
}

HostDecision HostPolicy::CheckHost(std::string_view host_value) const {
    HostDecision d;
    d.host = std::string(http::TrimOws(host_value));
    auto hp = http::ParseHost(d.host);
    if (!hp || hp->host.empty()) {
        d.reason = "malformed Host '" + d.host + "'";
        return d;
    }
    for (const WebBridgeName& n : m_names) {
        // A web bridge URL with an explicit port other than ours cannot be reached here.
        if (n.port != 0 && n.port != m_port)
            continue;
        if (http::HostMatches(d.host, n.host, m_port)) {
            d.accepted = true;
            d.web_bridge = n.host;
            return d;
        }
    }
    d.reason = log_lines::HostNotLearned::Format({d.host});
    return d;
}

http::Response HostPolicy::BadRequest() {
    http::Response r;
    r.status = 400;
    r.reason = "Bad Request";
    const std::string body = "<html><head><title>400 Bad Request</title></head><body>"
                             "<h1>Bad Request</h1></body></html>\r\n";
    r.headers.Add("Content-Type", "text/html");
    r.headers.Add("Content-Length", std::to_string(body.size()));
    r.headers.Add("Connection", "close");
    r.body.assign(body.begin(), body.end());
    return r;
}

Bytes HostPolicy::BadRequestBytes() {
    return http::Serialize(BadRequest());
}

} // namespace cmslab::expressway
