#include "readiness.h"

#include "common/json_member.h"

namespace cmslab::emulate {

namespace {

void JudgeExpresswayC(const std::string& node, const nlohmann::json& page, Readiness& out) {
    const nlohmann::json c = page.value("expressway_c", nlohmann::json::object());
    auto zone = c.find("traversal_zone");
    if (zone == c.end())
        return; // no traversal zone: nothing to wait for
    const std::string state = StringMember(*zone, "state");
    if (state != "Active") {
        out.waiting.push_back("traversal zone of " + node + ": " +
                              (state.empty() ? "not connected" : state));
        return;
    }
    for (const nlohmann::json& row : c.value("ssh_tunnels", nlohmann::json::array())) {
        if (row.contains("reason")) {
            out.waiting.push_back("SSH tunnel of " + node + " to " + StringMember(row, "target") +
                                  ": " + StringMember(row, "reason"));
            return;
        }
    }
    out.ready.push_back("tunnels up on " + node);
}

void JudgeCms(const std::string& node, const nlohmann::json& page, Readiness& out) {
    const nlohmann::json cms = page.value("cms", nlohmann::json::object());
    const nlohmann::json link = cms.value("web_bridge_link", nlohmann::json::object());
    if (link.empty())
        return; // no web bridge link configured
    const std::string state = StringMember(link, "state");
    if (state == "up")
        out.ready.push_back("web bridge link up on " + node);
    else
        out.waiting.push_back("web bridge link of " + node + ": " + state);
}

} // namespace

Readiness JudgeReadiness(const network::World& world) {
    Readiness out;
    std::string dns;
    for (const scenario::DnsServer& server : world.Scenario().dns_servers) {
        if (!world.Attached(server.node))
            dns += (dns.empty() ? "" : ", ") + server.node;
    }
    if (!dns.empty())
        out.ready.push_back("DNS served by " + dns);
    for (const scenario::Node& node : world.Scenario().nodes) {
        if (world.Attached(node.name))
            continue;
        if (node.role == "expressway_c")
            JudgeExpresswayC(node.name, world.Status(node.name), out);
        else if (node.role == "cms")
            JudgeCms(node.name, world.Status(node.name), out);
    }
    return out;
}

} // namespace cmslab::emulate
