#include "scenario/admin_session_plan.h"

#include <algorithm>

namespace cmslab::scenario {

namespace {

const Node* ApiServerNode(const Scenario& s) {
    for (const auto& n : s.nodes)
        if (n.role == "cms" && n.cms && !n.interfaces.empty())
            return &n;
    return nullptr;
}

// An administrator's desk: any host on the API's LAN that is not the server itself or a
// box that only forwards.
const Node* ApiWorkstation(const Scenario& s, const Node& cms) {
    const std::string& lan = cms.interfaces.front().network;
    for (const auto& n : s.nodes) {
        if (&n == &cms || n.role == "router" || n.role == "nat_firewall")
            continue;
        for (const auto& i : n.interfaces)
            if (i.network == lan)
                return &n;
    }
    return nullptr;
}

AdminRequest GetRequest(std::string path) {
    AdminRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.after_s = 0;
    return r;
}

// The first <turnServer id="..."> of a list.
std::optional<std::string> FirstTurnServerId(const std::string& xml) {
    static const std::string kOpen = "<turnServer id=\"";
    const auto at = xml.find(kOpen);
    if (at == std::string::npos)
        return std::nullopt;
    const auto start = at + kOpen.size();
    const auto end = xml.find('"', start);
    if (end == std::string::npos || end == start)
        return std::nullopt;
    return xml.substr(start, end - start);
}

} // namespace

Expected<AdminSessionConfig> PlanAdminSession(const Scenario& s) {
    if (s.admin_session)
        return *s.admin_session;
    const Node* cms = ApiServerNode(s);
    if (!cms || cms->cms->web_admin.users.empty())
        return Error{"no CMS with a web admin user in the scenario"};
    const Node* desk = ApiWorkstation(s, *cms);
    if (!desk)
        return Error{"no host besides the CMS on network " + cms->interfaces.front().network +
                     " to reach its API from"};
    const WebAdminSettings& admin = cms->cms->web_admin;
    AdminSessionConfig plan;
    plan.node = desk->name;
    plan.url.scheme = admin.certificate.empty() ? "http" : "https";
    plan.url.host = cms->interfaces.front().address.ToString();
    plan.url.port = admin.port;
    plan.url.text = plan.url.scheme + "://" + plan.url.host + ":" + std::to_string(admin.port);
    plan.user = admin.users.front().name;
    plan.password = admin.users.front().password;
    plan.at_s = std::max(s.duration_s / 2, s.duration_s - 5);
    plan.requests = {GetRequest("/api/v1/turnServers"), GetRequest("/api/v1/turnServers/{id}"),
                     GetRequest("/api/v1/turnServers/{id}/status")};
    return plan;
}

void AdminObjectMemory::Learn(const std::string& method, int status, const std::string& location,
                              const std::string& body) {
    if (status < 200 || status > 299)
        return;
    if (method == "POST" && !location.empty()) {
        const auto slash = location.find_last_of('/');
        const std::string id = location.substr(slash == std::string::npos ? 0 : slash + 1);
        if (!id.empty()) {
            m_id = id;
            m_from_create = true;
        }
        return;
    }
    if (method == "GET" && !m_from_create)
        if (auto id = FirstTurnServerId(body))
            m_id = id;
}

std::optional<std::string> AdminObjectMemory::Resolve(const std::string& path) const {
    static const std::string kToken = "{id}";
    std::string out = path;
    for (auto at = out.find(kToken); at != std::string::npos; at = out.find(kToken, at)) {
        if (!m_id)
            return std::nullopt;
        out.replace(at, kToken.size(), *m_id);
        at += m_id->size();
    }
    return out;
}

} // namespace cmslab::scenario
