// Step 3 of loading: checks that need more than one value: references between parts of
// the file, addresses against their networks, duplicates, and (on the topology graph)
// whether each node reaches the DNS servers it uses. A value already reported as
// malformed is skipped, so one mistake gives one error.
#include "scenario/loader_context.h"
#include "scenario/names.h"
#include "scenario/suggest.h"
#include "topology/route_trace.h"

#include <map>
#include <sstream>

namespace cmslab::scenario::detail {

namespace {

std::string Seconds(double s) {
    std::ostringstream out;
    out << s << " s";
    return out.str();
}

std::string P(const std::string& base, std::size_t i) {
    return JoinPointer(base, i);
}
std::string P(const std::string& base, std::size_t i, const std::string& key) {
    return JoinPointer(JoinPointer(base, i), key);
}
// base + "a/b" as two reference tokens (JoinPointer would escape the slash).
std::string Sub(std::string base, const std::string& path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        base = JoinPointer(base, path.substr(start, end - start));
        start = end + 1;
    }
    return base;
}
class Checker {
  public:
    Checker(const Scenario& s, Context& ctx) : m_s(s), m_ctx(ctx), m_topology(s) {}

    void Run() {
        CheckNames();
        CheckNetworks();
        for (std::size_t i = 0; i < m_s.nodes.size(); ++i)
            CheckInterfaces(i);
        CheckDuplicateAddresses();
        for (std::size_t i = 0; i < m_s.nat_firewalls.size(); ++i)
            CheckNat(i);
        for (std::size_t i = 0; i < m_s.nodes.size(); ++i) {
            CheckGatewayAndRoutes(i);
            CheckRoleReferences(i);
        }
        for (std::size_t i = 0; i < m_s.dns_servers.size(); ++i)
            CheckDnsServer(i);
        CheckPki();
        CheckGuest();
        CheckAdminSession();
        CheckDnsUse();
    }

  private:
    bool Bad(const std::string& p) const { return m_ctx.Bad(p); }
    void Error(const std::string& p, const std::string& m) { m_ctx.Error(p, m); }
    void Warning(const std::string& p, const std::string& m) { m_ctx.diags.Warning(p, m); }
    void NotSimulated(const std::string& p, const std::string& m) {
        m_ctx.diags.NotSimulated(p, m);
    }

    std::vector<std::string> NodeNames() const {
        std::vector<std::string> out;
        for (const auto& n : m_s.nodes)
            out.push_back(n.name);
        return out;
    }

    // A reference to a node by name, optionally of a given role.
    const Node* NodeRef(const std::string& pointer, const std::string& name,
                        const std::string& role) {
        if (Bad(pointer))
            return nullptr;
        const Node* node = m_s.FindNode(name);
        if (!node) {
            Error(pointer, "no node named " + Quote(name) + DidYouMean(name, NodeNames()));
            return nullptr;
        }
        if (!role.empty() && node->role != role) {
            Error(pointer, "node " + Quote(name) + " has role " + node->role + ", not " + role);
            return nullptr;
        }
        return node;
    }

    template <class Get>
    void Unique(std::size_t count, const std::string& base, const std::string& key, Get get,
                const std::string& what) {
        std::map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < count; ++i) {
            const auto at = P(base, i, key);
            if (Bad(at))
                continue;
            auto [it, fresh] = seen.emplace(get(i), i);
            if (!fresh)
                Error(at, "duplicate " + what + " " + Quote(get(i)) + " (also at " +
                              P(base, it->second) + ")");
        }
    }

    void CheckNames() {
        Unique(
            m_s.networks.size(), "/networks", "name",
            [&](std::size_t i) { return m_s.networks[i].name; }, "network name");
        Unique(
            m_s.nodes.size(), "/nodes", "name", [&](std::size_t i) { return m_s.nodes[i].name; },
            "node name");
        Unique(
            m_s.nat_firewalls.size(), "/nat_firewalls", "node",
            [&](std::size_t i) { return m_s.nat_firewalls[i].node; }, "NAT firewall entry for");
        Unique(
            m_s.dns_servers.size(), "/dns_servers", "node",
            [&](std::size_t i) { return m_s.dns_servers[i].node; }, "DNS server entry for");
        for (std::size_t i = 0; i < m_s.nodes.size(); ++i) {
            const auto& n = m_s.nodes[i];
            Unique(
                n.interfaces.size(), P("/nodes", i, "interfaces"), "name",
                [&](std::size_t k) { return n.interfaces[k].name; }, "interface name");
        }
    }

    void CheckNetworks() {
        for (std::size_t j = 0; j < m_s.networks.size(); ++j) {
            const auto pj = P("/networks", j, "prefix");
            if (Bad(pj))
                continue;
            for (std::size_t i = 0; i < j; ++i) {
                if (Bad(P("/networks", i, "prefix")))
                    continue;
                if (m_s.networks[i].prefix.Overlaps(m_s.networks[j].prefix)) {
                    Error(pj, m_s.networks[j].prefix.ToString() + " overlaps network " +
                                  Quote(m_s.networks[i].name) + " (" +
                                  m_s.networks[i].prefix.ToString() + ")");
                    break;
                }
            }
            bool used = false;
            for (const auto& n : m_s.nodes)
                for (const auto& iface : n.interfaces)
                    used = used || iface.network == m_s.networks[j].name;
            if (!used)
                Warning(P("/networks", j),
                        "no node is connected to network " + Quote(m_s.networks[j].name));
        }
    }

    std::vector<std::string> NetworkNames() const {
        std::vector<std::string> out;
        for (const auto& n : m_s.networks)
            out.push_back(n.name);
        return out;
    }

    void CheckInterfaces(std::size_t i) {
        const auto& node = m_s.nodes[i];
        for (std::size_t k = 0; k < node.interfaces.size(); ++k) {
            const auto& iface = node.interfaces[k];
            const auto base = P(P("/nodes", i, "interfaces"), k);
            const auto net_ptr = JoinPointer(base, "network");
            const auto addr_ptr = JoinPointer(base, "address");
            if (Bad(net_ptr))
                continue;
            const auto* net = m_s.FindNetwork(iface.network);
            if (!net) {
                Error(net_ptr, "no network named " + Quote(iface.network) +
                                   DidYouMean(iface.network, NetworkNames()));
                m_ctx.bad.insert(addr_ptr);
                continue;
            }
            const auto net_index = static_cast<std::size_t>(net - m_s.networks.data());
            if (Bad(addr_ptr) || Bad(P("/networks", net_index, "prefix")))
                continue;
            if (!net->prefix.Contains(iface.address)) {
                Error(addr_ptr, iface.address.ToString() + " is outside network " +
                                    Quote(net->name) + " (" + net->prefix.ToString() + ")");
                continue;
            }
            if (net->prefix.length <= 30) {
                const std::uint32_t host_mask = ~std::uint32_t{0} >> net->prefix.length;
                const auto host = iface.address.V4Value() & host_mask;
                if (host == 0 || host == host_mask)
                    Error(addr_ptr, iface.address.ToString() + " is the " +
                                        (host == 0 ? "network" : "broadcast") + " address of " +
                                        net->prefix.ToString());
            }
        }
    }

    void CheckDuplicateAddresses() {
        std::map<IpAddress, std::string> seen;
        auto add = [&](const IpAddress& a, const std::string& at) {
            if (Bad(at))
                return;
            auto [it, fresh] = seen.emplace(a, at);
            if (!fresh)
                Error(at, "duplicate address " + a.ToString() + " (also at " + it->second + ")");
        };
        for (std::size_t i = 0; i < m_s.nodes.size(); ++i)
            for (std::size_t k = 0; k < m_s.nodes[i].interfaces.size(); ++k)
                add(m_s.nodes[i].interfaces[k].address,
                    P(P("/nodes", i, "interfaces"), k, "address"));
        for (std::size_t i = 0; i < m_s.nat_firewalls.size(); ++i)
            for (std::size_t k = 0; k < m_s.nat_firewalls[i].mappings.size(); ++k)
                add(m_s.nat_firewalls[i].mappings[k].outside,
                    P(P("/nat_firewalls", i, "mappings"), k, "outside"));
    }

    // The networks a node is on, for messages: "internal 10.0.0.0/24, dmz ...".
    std::string ConnectedList(const Node& node) const {
        std::string out;
        for (const auto& iface : node.interfaces)
            if (const auto* net = m_s.FindNetwork(iface.network))
                out += (out.empty() ? "" : ", ") + net->name + " " + net->prefix.ToString();
        return out.empty() ? "none" : out;
    }

    const Network* ConnectedNetworkFor(const Node& node, const IpAddress& a) const {
        for (const auto& iface : node.interfaces)
            if (const auto* net = m_s.FindNetwork(iface.network))
                if (net->prefix.Contains(a))
                    return net;
        return nullptr;
    }

    void CheckGatewayAndRoutes(std::size_t i) {
        const auto& node = m_s.nodes[i];
        const auto gw_ptr = P("/nodes", i, "gateway");
        if (node.gateway && !Bad(gw_ptr)) {
            const auto* net = ConnectedNetworkFor(node, *node.gateway);
            if (!net) {
                Error(gw_ptr, "gateway " + node.gateway->ToString() +
                                  " is not on a network of node " + Quote(node.name) + " (" +
                                  ConnectedList(node) + ")");
            } else if (topology::detail::Holds(node, *node.gateway)) {
                Error(gw_ptr, "gateway " + node.gateway->ToString() + " is the node's own address");
            } else if (auto v = m_topology.NetworkVertex(net->name);
                       v && !m_topology.OwnerOn(*v, *node.gateway)) {
                Warning(gw_ptr, "no node has the gateway address " + node.gateway->ToString() +
                                    " on network " + Quote(net->name));
            }
        }
        for (std::size_t r = 0; r < node.routes.size(); ++r) {
            const auto via_ptr = P(P("/nodes", i, "routes"), r, "via");
            if (Bad(via_ptr))
                continue;
            if (!ConnectedNetworkFor(node, node.routes[r].via))
                Error(via_ptr, "next hop " + node.routes[r].via.ToString() +
                                   " is not on a network connected to node " + Quote(node.name) +
                                   " (" + ConnectedList(node) + ")");
        }
    }

    static bool OnNetwork(const Node& node, const std::string& network) {
        for (const auto& iface : node.interfaces)
            if (iface.network == network)
                return true;
        return false;
    }

    void CheckNat(std::size_t i) {
        const auto& nat = m_s.nat_firewalls[i];
        const auto base = P("/nat_firewalls", i);
        const Node* node = NodeRef(JoinPointer(base, "node"), nat.node, "nat_firewall");
        const Network* outside = nullptr;
        const auto out_ptr = JoinPointer(base, "outside_network");
        if (!Bad(out_ptr)) {
            outside = m_s.FindNetwork(nat.outside_network);
            if (!outside)
                Error(out_ptr, "no network named " + Quote(nat.outside_network) +
                                   DidYouMean(nat.outside_network, NetworkNames()));
            else if (node && !OnNetwork(*node, outside->name))
                Error(out_ptr, "node " + Quote(node->name) + " has no interface on network " +
                                   Quote(outside->name));
        }
        std::map<IpAddress, std::size_t> inside_seen;
        for (std::size_t k = 0; k < nat.mappings.size(); ++k) {
            const auto& m = nat.mappings[k];
            const auto in_ptr = P(JoinPointer(base, "mappings"), k, "inside");
            const auto outside_ptr = P(JoinPointer(base, "mappings"), k, "outside");
            if (!Bad(in_ptr)) {
                if (!m_topology.InterfaceHolder(m.inside))
                    Error(in_ptr, "no node has the inside address " + m.inside.ToString());
                else if (auto [it, fresh] = inside_seen.emplace(m.inside, k); !fresh)
                    Error(in_ptr, m.inside.ToString() + " is already mapped (at " +
                                      P(JoinPointer(base, "mappings"), it->second) + ")");
            }
            if (!Bad(outside_ptr) && outside &&
                !Bad(P("/networks", static_cast<std::size_t>(outside - m_s.networks.data()),
                       "prefix")) &&
                !outside->prefix.Contains(m.outside))
                Error(outside_ptr, m.outside.ToString() + " is not on the outside network " +
                                       Quote(outside->name) + " (" + outside->prefix.ToString() +
                                       ")");
        }
    }

    void CheckRoleReferences(std::size_t i) {
        const auto& node = m_s.nodes[i];
        const auto cfg = P("/nodes", i, "config");
        if (node.role == "nat_firewall" && !Bad(P("/nodes", i, "name")) &&
            !m_s.FindNatFirewall(node.name))
            Error(P("/nodes", i, "role"),
                  "nat_firewall node " + Quote(node.name) + " has no entry in /nat_firewalls");
        if (node.role == "dns_server" && !m_s.FindDnsServer(node.name))
            Warning(P("/nodes", i, "role"), "dns_server node " + Quote(node.name) +
                                                " has no zones in /dns_servers: it refuses "
                                                "every query");
        if (node.cms) {
            const auto& c = *node.cms;
            CertRef(Sub(cfg, "web_bridge/certificate"), c.web_bridge.certificate, node);
            CertRef(Sub(cfg, "call_bridge/certificate"), c.call_bridge.certificate, node);
            if (!c.web_admin.certificate.empty())
                CertRef(Sub(cfg, "web_admin/certificate"), c.web_admin.certificate, node);
            TrustList(Sub(cfg, "web_bridge/c2w_trust"), c.web_bridge.c2w_trust);
            Unique(
                c.spaces.size(), JoinPointer(cfg, "spaces"), "call_id",
                [&](std::size_t k) { return c.spaces[k].call_id; }, "call ID");
            Unique(
                c.spaces.size(), JoinPointer(cfg, "spaces"), "uri",
                [&](std::size_t k) { return c.spaces[k].uri; }, "space URI");
            Unique(
                c.web_admin.users.size(), Sub(cfg, "web_admin/users"), "name",
                [&](std::size_t k) { return c.web_admin.users[k].name; }, "user");
        }
        if (node.expressway_c) {
            const auto& c = *node.expressway_c;
            if (!c.certificate.empty())
                CertRef(JoinPointer(cfg, "certificate"), c.certificate, node);
            TrustList(JoinPointer(cfg, "trusted_cas"), c.trusted_cas);
        }
        if (node.expressway_e) {
            const auto& c = *node.expressway_e;
            if (!c.certificate.empty())
                CertRef(JoinPointer(cfg, "certificate"), c.certificate, node);
            TrustList(JoinPointer(cfg, "trusted_cas"), c.trusted_cas);
            Unique(
                c.local_users.size(), JoinPointer(cfg, "local_users"), "name",
                [&](std::size_t k) { return c.local_users[k].name; }, "user");
            const auto ext_ptr = Sub(cfg, "advanced_networking/external_interface");
            if (c.advanced_networking && !Bad(ext_ptr) &&
                !node.FindInterface(c.advanced_networking->external_interface)) {
                std::vector<std::string> names;
                for (const auto& iface : node.interfaces)
                    names.push_back(iface.name);
                Error(ext_ptr, "node " + Quote(node.name) + " has no interface named " +
                                   Quote(c.advanced_networking->external_interface) +
                                   DidYouMean(c.advanced_networking->external_interface, names));
            }
        }
    }

    void CertRef(const std::string& pointer, const std::string& name, const Node& node) {
        if (Bad(pointer))
            return;
        const auto* cert = m_s.pki.FindCertificate(name);
        if (!cert) {
            std::vector<std::string> names;
            for (const auto& c : m_s.pki.certificates)
                names.push_back(c.name);
            Error(pointer, "no certificate named " + Quote(name) + " in /certificates/issued" +
                               DidYouMean(name, names));
        } else if (cert->node != node.name) {
            Error(pointer, "certificate " + Quote(name) + " belongs to node " + Quote(cert->node) +
                               ", not " + Quote(node.name));
        }
    }

    void TrustList(const std::string& pointer, const std::vector<std::string>& names) {
        std::vector<std::string> known;
        for (const auto& a : m_s.pki.authorities)
            known.push_back(a.name);
        for (const auto& c : m_s.pki.certificates)
            known.push_back(c.name);
        for (std::size_t k = 0; k < names.size(); ++k) {
            const auto at = JoinPointer(pointer, k);
            if (Bad(at) || m_s.pki.FindAuthority(names[k]) || m_s.pki.FindCertificate(names[k]))
                continue;
            Error(at, "no authority or certificate named " + Quote(names[k]) +
                          DidYouMean(names[k], known));
        }
    }

    static bool InZone(const std::string& name, const std::string& origin) {
        return name == origin ||
               (name.size() > origin.size() &&
                name.compare(name.size() - origin.size(), origin.size(), origin) == 0 &&
                name[name.size() - origin.size() - 1] == '.');
    }

    void CheckDnsServer(std::size_t i) {
        const auto& server = m_s.dns_servers[i];
        const auto base = P("/dns_servers", i);
        NodeRef(JoinPointer(base, "node"), server.node, "dns_server");
        Unique(
            server.zones.size(), JoinPointer(base, "zones"), "origin",
            [&](std::size_t z) { return server.zones[z].origin; }, "zone");
        for (std::size_t z = 0; z < server.zones.size(); ++z) {
            const auto& zone = server.zones[z];
            const auto zbase = P(JoinPointer(base, "zones"), z);
            std::map<std::string, std::pair<std::string, std::size_t>> types_at_name;
            for (std::size_t r = 0; r < zone.records.size(); ++r) {
                const auto& rec = zone.records[r];
                const auto rbase = P(JoinPointer(zbase, "records"), r);
                const auto name_ptr = JoinPointer(rbase, "name");
                if (Bad(name_ptr) || Bad(JoinPointer(rbase, "type")))
                    continue;
                if (!Bad(JoinPointer(zbase, "origin")) && !InZone(rec.name, zone.origin))
                    Error(name_ptr, Quote(rec.name) + " is outside the zone " + Quote(zone.origin));
                if (rec.type == "SRV") {
                    const auto dot1 = rec.name.find('.');
                    const auto dot2 =
                        dot1 == std::string::npos ? dot1 : rec.name.find('.', dot1 + 1);
                    if (rec.name[0] != '_' || dot2 == std::string::npos ||
                        rec.name[dot1 + 1] != '_')
                        Error(name_ptr, "an SRV name starts with _service._protocol (like "
                                        "_sip._tcp.example.com), not " +
                                            Quote(rec.name));
                    else
                        NotSimulated(rbase,
                                     "SRV record " + Quote(rec.name) +
                                         " is served, but no modelled client looks SRV records "
                                         "up (XMPP and mobile and remote access discovery are "
                                         "not simulated)");
                }
                // A name with a CNAME can have no other record (RFC 1034 3.6.2).
                auto [it, fresh] = types_at_name.emplace(rec.name, std::make_pair(rec.type, r));
                if (!fresh && (rec.type == "CNAME" || it->second.first == "CNAME"))
                    Error(name_ptr, Quote(rec.name) + " has a CNAME and another record (at " +
                                        P(JoinPointer(zbase, "records"), it->second.second) +
                                        "); a CNAME must be alone");
            }
        }
    }

    void CheckPki() {
        const auto& pki = m_s.pki;
        std::map<std::string, std::string> names;
        auto unique = [&](const std::string& name, const std::string& at) {
            if (Bad(at))
                return;
            auto [it, fresh] = names.emplace(name, at);
            if (!fresh)
                Error(at, "duplicate certificate or authority name " + Quote(name) + " (also at " +
                              it->second + ")");
        };
        std::vector<std::string> authority_names;
        for (std::size_t i = 0; i < pki.authorities.size(); ++i) {
            const auto& ca = pki.authorities[i];
            const auto base = P("/certificates/authorities", i);
            authority_names.push_back(ca.name);
            if (ca.name == kSelfSigned)
                Error(JoinPointer(base, "name"),
                      Quote(kSelfSigned) + std::string(" is reserved for self-signed issuers"));
            unique(ca.name, JoinPointer(base, "name"));
            Validity(base, ca.not_before, ca.not_after);
        }
        for (std::size_t i = 0; i < pki.certificates.size(); ++i) {
            const auto& cert = pki.certificates[i];
            const auto base = P("/certificates/issued", i);
            unique(cert.name, JoinPointer(base, "name"));
            NodeRef(JoinPointer(base, "node"), cert.node, "");
            const auto issuer_ptr = JoinPointer(base, "issuer");
            if (!Bad(issuer_ptr) && !cert.SelfSigned() && !pki.FindAuthority(cert.issuer)) {
                auto candidates = authority_names;
                candidates.push_back(kSelfSigned);
                Error(issuer_ptr, "issuer " + Quote(cert.issuer) + " is neither " +
                                      Quote(kSelfSigned) +
                                      " nor an authority in "
                                      "/certificates/authorities" +
                                      DidYouMean(cert.issuer, candidates));
            }
            Validity(base, cert.not_before, cert.not_after);
        }
    }

    void Validity(const std::string& base, std::int64_t from, std::int64_t until) {
        const auto a = JoinPointer(base, "not_after");
        if (!Bad(a) && !Bad(JoinPointer(base, "not_before")) && until <= from)
            Error(a, "not_after must be later than not_before");
    }

    void CheckGuest() {
        NodeRef("/guest/node", m_s.guest_config.node, "browser");
        TrustList("/guest/trusted_cas", m_s.guest_config.trusted_cas);
        const double start = m_s.guest_config.start_after_s;
        if (!Bad("/guest/start_after") && !Bad("/duration") && start >= m_s.duration_s)
            Error("/guest/start_after", "the guest would open the page at " + Seconds(start) +
                                            ", not before the run ends (duration " +
                                            Seconds(m_s.duration_s) + ")");
        CheckCrowd();
    }

    void CheckCrowd() {
        const CrowdConfig& c = m_s.guest_config.crowd;
        for (std::size_t i = 0; i < c.nodes.size(); ++i)
            NodeRef(P("/guest/crowd/nodes", i), c.nodes[i], "browser");
        // The last guest arrives (guests - 1) intervals after the first (at start_after).
        const double last = m_s.guest_config.start_after_s +
                            static_cast<double>(c.guests > 0 ? c.guests - 1 : 0) * c.interval_s;
        if (c.guests > 1 && !Bad("/guest/crowd/interval") && last >= m_s.duration_s)
            Warning("/guest/crowd/interval", "the last of " + std::to_string(c.guests) +
                                                 " guests arrives at about " + Seconds(last) +
                                                 ", after the run ends (duration " +
                                                 Seconds(m_s.duration_s) + ")");
    }

    void CheckAdminSession() {
        if (!m_s.admin_session)
            return;
        const AdminSessionConfig& a = *m_s.admin_session;
        const Node* desk = NodeRef("/admin_session/node", a.node, "");
        if (desk && (desk->role == "router" || desk->role == "nat_firewall"))
            Error("/admin_session/node", "node " + Quote(a.node) + " has role " + desk->role +
                                             ": it forwards, nobody sits at it");
        TrustList("/admin_session/trusted_cas", a.trusted_cas);
        if (desk && !Bad("/admin_session/url") && !IpAddress::Parse(a.url.host) &&
            desk->dns_servers.empty())
            Error("/admin_session/url", "the host " + Quote(a.url.host) + " is a name and node " +
                                            Quote(a.node) + " has no dns_servers to resolve it");
        if (!Bad("/admin_session/at") && a.at_s >= m_s.duration_s)
            Warning("/admin_session/at", "the session starts after the run ends (duration " +
                                             Seconds(m_s.duration_s) + ")");
        // {id} needs an earlier request that can name an object: a list or a create.
        bool learns = false;
        for (std::size_t i = 0; i < a.requests.size(); ++i) {
            const AdminRequest& q = a.requests[i];
            if (q.path.find("{id}") != std::string::npos && !learns)
                Warning(P("/admin_session/requests", i, "path"),
                        "{id} before any request that lists or creates an object: it will be "
                        "skipped");
            learns = learns || q.path.find("{id}") == std::string::npos;
        }
    }

    // Only when the addressing itself is sound: a route trace over a broken graph would
    // report consequences of the errors above, not new facts.
    bool AddressingSound() const {
        for (const auto& d : m_ctx.diags.All()) {
            if (d.severity != Severity::Error)
                continue;
            const auto& p = d.pointer;
            if (p.rfind("/networks", 0) == 0 || p.rfind("/nat_firewalls", 0) == 0)
                return false;
            if (p.rfind("/nodes/", 0) == 0) {
                const auto slash = p.find('/', 7);
                const auto key = slash == std::string::npos ? "" : p.substr(slash + 1);
                if (key.rfind("interfaces", 0) == 0 || key.rfind("gateway", 0) == 0 ||
                    key.rfind("routes", 0) == 0 || key == "name" || key == "role")
                    return false;
            }
        }
        return true;
    }

    void CheckDnsUse() {
        const bool sound = AddressingSound();
        for (std::size_t i = 0; i < m_s.nodes.size(); ++i) {
            const auto& node = m_s.nodes[i];
            for (std::size_t k = 0; k < node.dns_servers.size(); ++k) {
                const auto at = P(P("/nodes", i, "dns_servers"), k);
                if (Bad(at))
                    continue;
                const auto& addr = node.dns_servers[k];
                auto owner = m_topology.FinalOwnerOf(addr);
                if (!owner) {
                    Error(at, "no node has the address " + addr.ToString());
                    continue;
                }
                const auto& owner_node = m_topology.NodeOf(*owner);
                if (owner_node.role != "dns_server") {
                    Error(at, addr.ToString() + " is node " + Quote(owner_node.name) + " (role " +
                                  owner_node.role + "), not a dns_server");
                    continue;
                }
                if (!sound || Bad(P("/nodes", i, "name")))
                    continue;
                auto rt = topology::CheckRoundTrip(m_topology, node.name, addr);
                if (!rt.ok)
                    Error(at, "DNS server " + addr.ToString() + " is unreachable from " +
                                  Quote(node.name) + ": " + rt.Explain());
            }
        }
    }

    const Scenario& m_s;
    Context& m_ctx;
    topology::Topology m_topology;
};

} // namespace

void CheckModel(const Scenario& scenario, Context& ctx) {
    Checker(scenario, ctx).Run();
}

} // namespace cmslab::scenario::detail
