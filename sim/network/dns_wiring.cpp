// The DNS side of the world: servers on the scenario's dns_server nodes and a resolver
// for any node. Kept apart from the network builder so that each file pulls in only the
// ns-3 it needs.
#include "world.h"

#include "dns_resolver.h"
#include "dns_server_app.h"
#include "install_box.h"

namespace cmslab::network {

namespace {

dns::ZoneConfig ToZoneConfig(const scenario::DnsZone& zone) {
    dns::ZoneConfig config;
    config.origin = zone.origin;
    for (const scenario::DnsRecord& r : zone.records) {
        dns::ZoneRecordConfig record;
        record.name = r.name;
        record.type = r.type;
        record.ttl = r.ttl;
        record.address = r.address;
        record.target = r.target;
        record.priority = r.priority;
        record.weight = r.weight;
        record.port = r.port;
        config.records.push_back(std::move(record));
    }
    return config;
}

} // namespace

std::unique_ptr<devices::DnsResolver> World::MakeResolver(const std::string& node) const {
    ns3::Ptr<ns3::Node> n = GetNode(node);
    if (!n)
        return nullptr;
    dns::ResolverConfig config;
    for (const scenario::Node& s : m_scenario.nodes) {
        if (s.name != node)
            continue;
        for (const IpAddress& server : s.dns_servers)
            config.servers.push_back(Endpoint{server, 53});
    }
    return std::make_unique<devices::DnsResolver>(n, std::move(config),
                                                  ForkRng("dns-resolver:" + node));
}

Expected<std::vector<std::string>> World::StartDnsServers() {
    std::vector<std::string> started;
    for (const scenario::DnsServer& entry : m_scenario.dns_servers) {
        if (!GetNode(entry.node))
            return Error{"dns_servers: unknown node '" + entry.node + "'"};
        std::vector<dns::ZoneConfig> zones;
        for (const scenario::DnsZone& z : entry.zones)
            zones.push_back(ToZoneConfig(z));
        auto server = dns::AuthoritativeServer::Build(zones);
        if (!server)
            return Error{"dns server " + entry.node + ": " + server.Message()};
        devices::BoxLog* log = Log(entry.node);
        if (log) {
            // What the zones ignored, as a server says it when it loads them.
            for (const std::string& warning : server->Warnings())
                log->Write("general", warning);
            for (const dns::Zone& zone : server->Zones())
                log->Write("general", "zone " + zone.Origin() + ": loaded, " +
                                          std::to_string(zone.RecordCount()) + " records");
        }
        auto app = ns3::CreateObject<devices::DnsServerApp>();
        app->Configure(std::make_shared<const dns::AuthoritativeServer>(std::move(*server)), log);
        InstallBox(*this, entry.node, "dns_server", app, [app] {
            return nlohmann::json{{"dns_server", app->Status()}};
        });
        started.push_back(entry.node);
    }
    return started;
}

} // namespace cmslab::network
