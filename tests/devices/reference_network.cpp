#include "reference_network.h"

namespace cmslab::network::test {

namespace {

IpAddress Ip(const char* text) {
    return *IpAddress::Parse(text);
}

scenario::Prefix Net(const char* address, std::uint8_t length) {
    return {Ip(address), length};
}

scenario::Node Host(const char* name, const char* role, const char* network, const char* address,
                    const char* gateway) {
    scenario::Node n;
    n.name = name;
    n.role = role;
    n.interfaces.push_back({network, Ip(address), "eth0"});
    if (gateway)
        n.gateway = Ip(gateway);
    return n;
}

scenario::FirewallRule Allow(scenario::Protocol protocol, std::uint16_t low, std::uint16_t high,
                             const char* comment) {
    scenario::FirewallRule r;
    r.direction = scenario::Direction::Inbound;
    r.protocol = protocol;
    r.destination = Ip("10.88.246.156");
    r.port_low = low;
    r.port_high = high;
    r.comment = comment;
    return r;
}

scenario::DnsRecord A(const char* name, const char* address) {
    scenario::DnsRecord r;
    r.name = name;
    r.type = "A";
    r.address = Ip(address);
    return r;
}

scenario::DnsRecord Srv(const char* name, std::uint16_t port, const char* target) {
    scenario::DnsRecord r;
    r.name = name;
    r.type = "SRV";
    r.priority = 10;
    r.weight = 10;
    r.port = port;
    r.target = target;
    return r;
}

scenario::DnsZone Zone(const char* origin, std::vector<scenario::DnsRecord> records) {
    scenario::DnsZone z;
    z.origin = origin;
    z.records = std::move(records);
    return z;
}

} // namespace

scenario::Scenario ReferenceNetwork() {
    scenario::Scenario s;
    s.name = "reference";
    s.seed = 1;
    s.duration_s = 120;
    for (auto [name, prefix] :
         {std::pair{"internal", Net("172.16.85.0", 24)}, std::pair{"dmz", Net("192.168.245.0", 24)},
          std::pair{"public", Net("10.88.246.0", 24)},
          std::pair{"guest", Net("172.16.84.0", 24)}}) {
        scenario::Network n;
        n.name = name;
        n.prefix = prefix;
        s.networks.push_back(n);
    }

    scenario::Node fw;
    fw.name = "edge-fw";
    fw.role = "nat_firewall";
    fw.interfaces = {{"internal", Ip("172.16.85.1"), "inside"},
                     {"dmz", Ip("192.168.245.1"), "dmz"},
                     {"public", Ip("10.88.246.1"), "outside"}};
    fw.routes.push_back({Net("172.16.84.0", 24), Ip("10.88.246.2")});
    s.nodes.push_back(fw);

    scenario::Node router;
    router.name = "guest-router";
    router.role = "router";
    router.interfaces = {{"guest", Ip("172.16.84.1"), "eth0"},
                         {"public", Ip("10.88.246.2"), "eth1"}};
    s.nodes.push_back(router);

    s.nodes.push_back(Host("ad-dns", "dns_server", "internal", "172.16.85.162", "172.16.85.1"));
    scenario::Node ext_dns =
        Host("ext-dns", "dns_server", "public", "10.88.246.210", "10.88.246.1");
    ext_dns.routes.push_back({Net("172.16.84.0", 24), Ip("10.88.246.2")});
    s.nodes.push_back(ext_dns);
    scenario::Node cms = Host("cms", "cms", "internal", "172.16.85.180", "172.16.85.1");
    cms.dns_servers = {Ip("172.16.85.162")};
    s.nodes.push_back(cms);
    scenario::Node vcsc = Host("vcsc", "expressway_c", "internal", "172.16.85.167", "172.16.85.1");
    vcsc.dns_servers = {Ip("172.16.85.162")};
    s.nodes.push_back(vcsc);

    scenario::Node vcse;
    vcse.name = "vcse";
    vcse.role = "expressway_e";
    vcse.interfaces = {{"internal", Ip("172.16.85.168"), "LAN1"},
                       {"dmz", Ip("192.168.245.61"), "LAN2"}};
    vcse.gateway = Ip("192.168.245.1");
    vcse.dns_servers = {Ip("10.88.246.210")};
    s.nodes.push_back(vcse);

    scenario::Node guest = Host("guest-pc", "browser", "guest", "172.16.84.124", "172.16.84.1");
    guest.dns_servers = {Ip("10.88.246.210")};
    s.nodes.push_back(guest);

    scenario::NatFirewall nat;
    nat.node = "edge-fw";
    nat.outside_network = "public";
    nat.mappings.push_back({Ip("192.168.245.61"), Ip("10.88.246.156")});
    nat.rules = {Allow(scenario::Protocol::Tcp, 443, 443, "WebRTC web client over HTTPS"),
                 Allow(scenario::Protocol::Tcp, 3478, 3478, "TURN over TCP"),
                 Allow(scenario::Protocol::Udp, 3478, 3478, "TURN requests"),
                 Allow(scenario::Protocol::Udp, 24000, 29999, "TURN relays and media")};
    nat.allow_inbound_default = false;
    nat.allow_outbound_default = true;
    nat.reflection = true;
    s.nat_firewalls.push_back(nat);

    // deployment.md section 2: split horizon for the web bridge name.
    scenario::DnsServer ad;
    ad.node = "ad-dns";
    ad.zones.push_back(Zone(
        "octavio.local",
        {A("cmsweb.cms.octavio.local", "172.16.85.180"),
         A("xmpp.cms.octavio.local", "172.16.85.180"),
         A("admin.cms.octavio.local", "172.16.85.180"), A("vcsc.octavio.local", "172.16.85.167"),
         Srv("_xmpp-client._tcp.cms.octavio.local", 5222, "xmpp.cms.octavio.local"),
         Srv("_xmpp-server._tcp.cms.octavio.local", 5269, "xmpp.cms.octavio.local")}));
    ad.zones.push_back(Zone("octavio.com", {A("cmsweb.octavio.com", "172.16.85.180"),
                                            A("vcse.octavio.com", "172.16.85.168")}));
    s.dns_servers.push_back(ad);
    scenario::DnsServer ext;
    ext.node = "ext-dns";
    ext.zones.push_back(Zone("octavio.com", {A("cmsweb.octavio.com", "10.88.246.156"),
                                             A("vcse.octavio.com", "10.88.246.156")}));
    s.dns_servers.push_back(ext);
    return s;
}

} // namespace cmslab::network::test
