// Step 2 of loading: the typed Scenario from the schema-checked document. Values whose
// syntax JSON Schema cannot express (addresses, prefixes, names, URLs, port ranges, times)
// are checked here, each at its own JSON pointer.
#include "scenario/loader_context.h"
#include "scenario/names.h"

#include <cctype>
#include <set>

namespace cmslab::scenario::detail {

using nlohmann::json;

namespace {

void CheckName(const Reader& r, const std::string& key, const std::string& value) {
    if (r.Ctx().Bad(r.Ptr(key)) || IsValidName(value))
        return;
    r.Ctx().Error(r.Ptr(key), "\"" + value +
                                  "\" is not a usable name (letters, digits, '.', '_' and '-', "
                                  "at most 64, not starting with '.')");
}

std::string HostNameAt(const Reader& r, const std::string& key, bool dns_owner = false) {
    auto value = r.Str(key);
    if (r.Ctx().Bad(r.Ptr(key)))
        return value;
    if (!(dns_owner ? IsDnsName(value) : IsHostName(value))) {
        r.Ctx().Error(r.Ptr(key), "\"" + value + "\" is not a valid DNS name");
        return value;
    }
    return CanonicalDnsName(value);
}

std::vector<std::string> HostNamesAt(const Reader& r, const std::string& key) {
    auto names = r.Strings(key);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto at = JoinPointer(r.Ptr(key), i);
        if (r.Ctx().Bad(at))
            continue;
        // A certificate SAN may be a wildcard; everything else is a plain name.
        std::string_view plain = names[i];
        if (plain.rfind("*.", 0) == 0)
            plain.remove_prefix(2);
        if (!IsHostName(plain))
            r.Ctx().Error(at, "\"" + names[i] + "\" is not a valid DNS name");
        else
            names[i] = CanonicalDnsName(names[i]);
    }
    return names;
}

std::optional<Url> UrlAt(const Reader& r, const std::string& key) {
    if (!r.Has(key))
        return std::nullopt;
    auto text = r.Str(key);
    if (r.Ctx().Bad(r.Ptr(key)))
        return std::nullopt;
    auto url = Url::Parse(text);
    if (!url)
        r.Ctx().Error(r.Ptr(key), "\"" + text +
                                      "\" is not an http(s) URL with a host (like "
                                      "https://meet.example.com)");
    return url;
}

// A name or an address, as the products accept in "server address" fields.
std::string HostOrAddressAt(const Reader& r, const std::string& key) {
    auto value = r.Str(key);
    if (!r.Has(key) || r.Ctx().Bad(r.Ptr(key)))
        return value;
    if (!IpAddress::Parse(value) && !IsHostName(value))
        r.Ctx().Error(r.Ptr(key), "\"" + value + "\" is neither an IP address nor a DNS name");
    return value;
}

std::string DigitsAt(const Reader& r, const std::string& key, bool allow_empty) {
    auto value = r.Str(key);
    if (r.Ctx().Bad(r.Ptr(key)) || (allow_empty && value.empty()))
        return value;
    bool digits = !value.empty();
    for (char c : value)
        digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits)
        r.Ctx().Error(r.Ptr(key), "\"" + value + "\" must be digits only");
    return value;
}

PortRange PortRangeAt(const Reader& r, const std::string& key) {
    auto text = r.Str(key);
    if (r.Ctx().Bad(r.Ptr(key)))
        return {};
    auto range = PortRange::Parse(text);
    if (!range) {
        r.Ctx().Error(r.Ptr(key), "\"" + text +
                                      "\" is not a port range LOW-HIGH with 1 <= LOW <= HIGH "
                                      "<= 65535");
        return {};
    }
    return *range;
}

std::vector<User> UsersAt(const Reader& r, const std::string& key) {
    std::vector<User> users;
    for (const auto& u : r.Objects(key))
        users.push_back(User{u.Str("name"), u.Str("password")});
    return users;
}

// A box's "tls" block (its defaults are the schema's, per product). The schema has
// already refused unknown version names and an empty cipher list; what it cannot judge
// is whether OpenSSL accepts the list.
tls::Policy TlsPolicyAt(const Reader& parent) {
    tls::Policy policy;
    auto t = parent.Object("tls");
    const auto names = t.Strings("versions");
    std::set<tls::ProtocolVersion> versions;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto at = JoinPointer(t.Ptr("versions"), i);
        const auto v = tls::ParseTlsVersionName(names[i]);
        if (t.Ctx().Bad(at) || !v)
            continue;
        if (!versions.insert(*v).second)
            t.Ctx().Error(at, "\"" + names[i] + "\" is listed twice");
    }
    // The versions between the lowest and the highest, as OpenSSL's min and max.
    if (!versions.empty()) {
        policy.min_version = *versions.begin();
        policy.max_version = *versions.rbegin();
    }
    policy.cipher_list = t.Str("cipher_suites");
    if (!t.Ctx().Bad(t.Ptr("cipher_suites")) && !policy.cipher_list.empty()) {
        const auto why = tls::CipherListProblem(policy.cipher_list);
        if (!why.empty())
            t.Ctx().Error(t.Ptr("cipher_suites"), why);
    }
    return policy;
}

CmsConfig BuildCms(const Reader& c) {
    CmsConfig cms;
    auto wb = c.Object("web_bridge");
    cms.web_bridge.port = wb.Port("port");
    cms.web_bridge.certificate = wb.Str("certificate");
    cms.web_bridge.c2w_trust = wb.Strings("c2w_trust");
    if (auto u = UrlAt(wb, "guest_account_client_uri"))
        cms.web_bridge.guest_account_client_uri = *u;
    cms.web_bridge.guest_account_jid_domain = HostNameAt(wb, "guest_account_jid_domain");
    cms.web_bridge.guest_access_via_id_and_passcode =
        wb.Str("guest_access_via_id_and_passcode") == "legacy" ? GuestAccessMode::Legacy
                                                               : GuestAccessMode::Secure;
    cms.web_bridge.guest_access_via_hyperlinks = wb.Bool("guest_access_via_hyperlinks");
    cms.web_bridge.user_sign_in = wb.Bool("user_sign_in");
    cms.web_bridge.web_bridge_uri = UrlAt(wb, "web_bridge_uri");

    cms.call_bridge.certificate = c.Object("call_bridge").Str("certificate");

    auto admin = c.Object("web_admin");
    cms.web_admin.port = admin.Port("port");
    if (admin.Has("certificate"))
        cms.web_admin.certificate = admin.Str("certificate");
    cms.web_admin.users = UsersAt(admin, "users");

    for (const auto& s : c.Objects("spaces")) {
        Space space;
        space.name = s.Str("name");
        space.uri = s.Str("uri");
        if (!s.Ctx().Bad(s.Ptr("uri")) && (space.uri.find_first_of("@ \t/") != std::string::npos))
            s.Ctx().Error(s.Ptr("uri"), "\"" + space.uri +
                                            "\" must be the user part of the URI only (no '@', "
                                            "spaces or '/')");
        space.call_id = DigitsAt(s, "call_id", false);
        space.passcode = DigitsAt(s, "passcode", true);
        if (s.Has("participant_limit"))
            space.participant_limit = static_cast<std::size_t>(s.Int("participant_limit"));
        cms.spaces.push_back(space);
    }
    for (const auto& m : c.Objects("call_matching")) {
        CallMatchingRule rule;
        rule.domain = HostNameAt(m, "domain");
        rule.priority = m.Int("priority");
        rule.targets_spaces = m.Bool("targets_spaces");
        rule.targets_users = m.Bool("targets_users");
        cms.call_matching.push_back(rule);
    }
    for (const auto& t : c.Objects("turn_servers")) {
        TurnServerSpec ts;
        ts.server_address = HostOrAddressAt(t, "server_address");
        if (t.Has("client_address"))
            ts.client_address = HostOrAddressAt(t, "client_address");
        ts.username = t.Str("username");
        ts.password = t.Str("password");
        ts.type = t.Str("type");
        ts.tcp_port_number_override = t.Port("tcp_port_number_override");
        ts.num_registrations = t.Int("num_registrations");
        cms.turn_servers.push_back(ts);
    }
    if (c.Has("xmpp")) {
        auto x = c.Object("xmpp");
        XmppSettings xmpp;
        if (x.Has("domain"))
            xmpp.domain = HostNameAt(x, "domain");
        xmpp.port = x.Port("port");
        cms.xmpp = xmpp;
    }
    cms.tls = TlsPolicyAt(c);
    // The schema refuses numbers below 1 and negative delays; Int and Num give 0 for a
    // value of the wrong type, which the schema has reported already.
    auto counters = c.Object("counters");
    cms.counters.web_bridge_link = counters.Int("web_bridge_link");
    cms.counters.guest_login_request = counters.Int("guest_login_request");
    cms.counters.call = counters.Int("call");
    auto steps = c.Object("login_steps");
    cms.login_steps.passcode_resolution_ms = steps.Num("passcode_resolution_ms");
    cms.login_steps.credential_storage_ms = steps.Num("credential_storage_ms");
    cms.login_steps.response_ms = steps.Num("response_ms");
    cms.login_steps.user_instantiation_ms = steps.Num("user_instantiation_ms");
    cms.login_steps.session_creation_ms = steps.Num("session_creation_ms");
    cms.login_steps.call_allocation_ms = steps.Num("call_allocation_ms");
    return cms;
}

ExpresswayCConfig BuildExpresswayC(const Reader& c) {
    ExpresswayCConfig e;
    e.hostname = c.Str("hostname");
    e.domain = HostNameAt(c, "domain");
    e.sip_domains = HostNamesAt(c, "sip_domains");
    const auto mode = c.Str("unified_communications_mode");
    e.unified_communications_mode =
        mode == "mobile_and_remote_access" ? UnifiedCommunicationsMode::MobileAndRemoteAccess
        : mode == "jabber_guest"           ? UnifiedCommunicationsMode::JabberGuest
                                           : UnifiedCommunicationsMode::Off;
    if (c.Has("certificate"))
        e.certificate = c.Str("certificate");
    e.trusted_cas = c.Strings("trusted_cas");
    if (c.Has("traversal_zone")) {
        auto z = c.Object("traversal_zone");
        TraversalZoneClient zone;
        zone.name = z.Str("name");
        zone.hop_count = z.Int("hop_count");
        zone.username = z.Str("username");
        zone.password = z.Str("password");
        zone.port = z.Port("port");
        zone.peer = HostOrAddressAt(z, "peer");
        e.traversal_zone = zone;
    }
    auto ms = c.Object("meeting_server");
    e.meeting_server.web_proxy = ms.Bool("web_proxy");
    e.meeting_server.guest_account_client_uris = HostNamesAt(ms, "guest_account_client_uris");
    e.meeting_server.refresh_interval_s = ms.Int("refresh_interval");
    e.tls = TlsPolicyAt(c);
    return e;
}

ExpresswayEConfig BuildExpresswayE(const Reader& c) {
    ExpresswayEConfig e;
    e.hostname = c.Str("hostname");
    e.domain = HostNameAt(c, "domain");
    e.option_keys = c.Strings("option_keys");
    if (c.Has("advanced_networking")) {
        auto a = c.Object("advanced_networking");
        AdvancedNetworking adv;
        adv.external_interface = a.Str("external_interface");
        if (a.Has("static_nat_address"))
            adv.static_nat_address = a.Address("static_nat_address");
        e.advanced_networking = adv;
    }
    e.local_users = UsersAt(c, "local_users");
    if (c.Has("traversal_zone")) {
        auto z = c.Object("traversal_zone");
        TraversalZoneServer zone;
        zone.name = z.Str("name");
        zone.username = z.Str("username");
        zone.port = z.Port("port");
        zone.ssh_tunnel_port = z.Port("ssh_tunnel_port");
        zone.tls_verify_subject_name = HostNameAt(z, "tls_verify_subject_name");
        e.traversal_zone = zone;
    }
    auto t = c.Object("turn");
    e.turn.enabled = t.Bool("enabled");
    e.turn.port = t.Port("port");
    e.turn.realm = t.Str("realm");
    e.turn.media_port_range = PortRangeAt(t, "media_port_range");
    if (t.Has("relay_capacity"))
        e.turn.relay_capacity = static_cast<std::size_t>(t.Int("relay_capacity"));
    if (t.Has("per_user_quota"))
        e.turn.per_user_quota = static_cast<std::size_t>(t.Int("per_user_quota"));
    e.web_admin_port = c.Port("web_admin_port");
    if (c.Has("certificate"))
        e.certificate = c.Str("certificate");
    e.trusted_cas = c.Strings("trusted_cas");
    e.tls = TlsPolicyAt(c);
    return e;
}

Node BuildNode(const Reader& n) {
    Node node;
    node.name = n.Str("name");
    CheckName(n, "name", node.name);
    node.role = n.Str("role");
    node.description = n.Str("description");
    auto ifaces = n.Objects("interfaces");
    for (std::size_t k = 0; k < ifaces.size(); ++k) {
        const auto& r = ifaces[k];
        Interface iface;
        iface.network = r.Str("network");
        if (auto a = r.Address("address"))
            iface.address = *a;
        iface.name = r.Has("name") ? r.Str("name") : "eth" + std::to_string(k);
        node.interfaces.push_back(iface);
    }
    if (n.Has("gateway"))
        node.gateway = n.Address("gateway");
    for (const auto& r : n.Objects("routes")) {
        Route route;
        if (auto p = r.PrefixAt("destination"))
            route.destination = *p;
        if (auto a = r.Address("via"))
            route.via = *a;
        node.routes.push_back(route);
    }
    const auto servers = n.Strings("dns_servers");
    for (std::size_t i = 0; i < servers.size(); ++i) {
        const auto at = JoinPointer(n.Ptr("dns_servers"), i);
        if (n.Ctx().Bad(at))
            continue;
        auto a = n.AddressText(servers[i], at);
        node.dns_servers.push_back(a.value_or(IpAddress{}));
    }
    const auto& config = n.Raw("config");
    if (config.is_object())
        node.config = config;
    auto c = n.Object("config");
    if (!config.is_object())
        return node;
    if (node.role == "cms")
        node.cms = BuildCms(c);
    else if (node.role == "expressway_c")
        node.expressway_c = BuildExpresswayC(c);
    else if (node.role == "expressway_e")
        node.expressway_e = BuildExpresswayE(c);
    return node;
}

NatFirewall BuildNatFirewall(const Reader& r) {
    NatFirewall nat;
    nat.node = r.Str("node");
    nat.outside_network = r.Str("outside_network");
    for (const auto& m : r.Objects("mappings")) {
        NatMapping mapping;
        if (auto a = m.Address("inside"))
            mapping.inside = *a;
        if (auto a = m.Address("outside"))
            mapping.outside = *a;
        nat.mappings.push_back(mapping);
    }
    for (const auto& f : r.Objects("rules")) {
        FirewallRule rule;
        rule.direction =
            f.Str("direction") == "outbound" ? Direction::Outbound : Direction::Inbound;
        const auto proto = f.Str("protocol");
        rule.protocol = proto == "tcp"    ? Protocol::Tcp
                        : proto == "udp"  ? Protocol::Udp
                        : proto == "icmp" ? Protocol::Icmp
                                          : Protocol::Any;
        if (f.Has("destination"))
            rule.destination = f.Address("destination");
        if (f.Has("port")) {
            const auto& port = f.Raw("port");
            if (port.is_string()) {
                rule.port_low = 0;
                auto range = PortRangeAt(f, "port");
                rule.port_low = range.low;
                rule.port_high = range.high;
            } else if (port.is_number()) {
                const auto p = f.Port("port");
                rule.port_low = rule.port_high = p;
            }
            if ((rule.protocol == Protocol::Icmp || rule.protocol == Protocol::Any) &&
                !f.Ctx().Bad(f.Ptr("port")))
                f.Ctx().Error(f.Ptr("port"), "a port needs protocol tcp or udp (protocol is " +
                                                 (proto.empty() ? std::string("any") : proto) +
                                                 ")");
        }
        rule.comment = f.Str("comment");
        nat.rules.push_back(rule);
    }
    nat.allow_inbound_default = r.Str("default_inbound") == "allow";
    nat.allow_outbound_default = r.Str("default_outbound") == "allow";
    nat.stateful = r.Bool("stateful");
    nat.reflection = r.Bool("reflection");
    return nat;
}

DnsRecord BuildRecord(const Reader& r) {
    DnsRecord rec;
    rec.name = HostNameAt(r, "name", true);
    rec.type = r.Str("type");
    rec.ttl = static_cast<std::uint32_t>(r.Int("ttl"));
    // Fields of other record types would be silently dropped by a DNS server; say so.
    auto only_for = [&](const std::string& key, std::initializer_list<const char*> types) {
        if (!r.Has(key) || r.Ctx().Bad(r.Ptr("type")))
            return false;
        for (auto t : types)
            if (rec.type == t)
                return true;
        std::string list;
        for (auto t : types)
            list += (list.empty() ? "" : " and ") + std::string(t);
        r.Ctx().Error(r.Ptr(key),
                      "\"" + key + "\" applies only to " + list + " records, not " + rec.type);
        return false;
    };
    if (only_for("address", {"A", "AAAA"})) {
        auto a = r.Address("address", false);
        if (a && rec.type == "A" && !a->IsV4())
            r.Ctx().Error(r.Ptr("address"), "an A record needs an IPv4 address");
        else if (a && rec.type == "AAAA" && a->IsV4())
            r.Ctx().Error(r.Ptr("address"), "an AAAA record needs an IPv6 address");
        rec.address = a;
    }
    if (only_for("target", {"CNAME", "SRV"})) {
        auto target = r.Str("target");
        if (rec.type == "SRV" && target == ".") {
            rec.target = "."; // "service not available here" (RFC 2782)
        } else if (rec.type == "SRV" ? !IsHostName(target) : !IsDnsName(target)) {
            r.Ctx().Error(r.Ptr("target"), "\"" + target + "\" is not a valid " +
                                               (rec.type == "SRV" ? "host name" : "DNS name") +
                                               " for a " + rec.type + " target");
        } else {
            rec.target = CanonicalDnsName(target);
        }
    }
    if (only_for("priority", {"SRV"}))
        rec.priority = static_cast<std::uint16_t>(r.Int("priority"));
    if (only_for("weight", {"SRV"}))
        rec.weight = static_cast<std::uint16_t>(r.Int("weight"));
    if (only_for("port", {"SRV"}))
        rec.port = static_cast<std::uint16_t>(r.Int("port"));
    return rec;
}

std::vector<DnsServer> BuildDnsServers(const Reader& root) {
    std::vector<DnsServer> servers;
    for (const auto& s : root.Objects("dns_servers")) {
        DnsServer server;
        server.node = s.Str("node");
        for (const auto& z : s.Objects("zones")) {
            DnsZone zone;
            zone.origin = HostNameAt(z, "origin");
            for (const auto& r : z.Objects("records"))
                zone.records.push_back(BuildRecord(r));
            server.zones.push_back(zone);
        }
        servers.push_back(server);
    }
    return servers;
}

Pki BuildPki(const Reader& root) {
    Pki pki;
    auto c = root.Object("certificates");
    for (const auto& a : c.Objects("authorities")) {
        CertificateAuthority ca;
        ca.name = a.Str("name");
        CheckName(a, "name", ca.name);
        ca.subject = a.Str("subject");
        ca.not_before = a.Time("not_before").value_or(0);
        ca.not_after = a.Time("not_after").value_or(0);
        pki.authorities.push_back(ca);
    }
    for (const auto& i : c.Objects("issued")) {
        CertificateSpec spec;
        spec.name = i.Str("name");
        CheckName(i, "name", spec.name);
        spec.node = i.Str("node");
        spec.subject = i.Str("subject");
        spec.subject_alt_names = HostNamesAt(i, "subject_alt_names");
        spec.issuer = i.Str("issuer");
        spec.not_before = i.Time("not_before").value_or(0);
        spec.not_after = i.Time("not_after").value_or(0);
        pki.certificates.push_back(spec);
    }
    return pki;
}

CrowdConfig BuildCrowd(const Reader& c) {
    CrowdConfig crowd;
    crowd.guests = static_cast<std::size_t>(c.Int("guests"));
    if (c.Has("nodes"))
        crowd.nodes = c.Strings("nodes");
    if (c.Has("call_id"))
        crowd.call_id = DigitsAt(c, "call_id", false);
    crowd.arrival =
        c.Str("arrival") == "poisson" ? CrowdConfig::Arrival::Poisson : CrowdConfig::Arrival::Fixed;
    crowd.interval_s = c.Num("interval");
    if (c.Has("media_duration"))
        crowd.media_duration_s = c.Num("media_duration");
    return crowd;
}

GuestConfig BuildGuest(const Reader& root) {
    GuestConfig guest;
    auto g = root.Object("guest");
    guest.node = g.Str("node");
    guest.trusted_cas = g.Strings("trusted_cas");
    if (auto u = UrlAt(g, "url"))
        guest.url = *u;
    guest.call_id = DigitsAt(g, "call_id", false);
    guest.passcode = g.Str("passcode");
    guest.display_name = g.Str("display_name");
    guest.start_after_s = g.Num("start_after");
    guest.media_duration_s = g.Num("media_duration");
    guest.turn_fallback_after_s = g.Num("turn_fallback_after");
    auto quality = g.Object("media_quality");
    if (quality.Has("max_loss_percent"))
        guest.max_loss_percent = quality.Num("max_loss_percent");
    if (quality.Has("max_jitter_ms"))
        guest.max_jitter_ms = quality.Num("max_jitter_ms");
    guest.proceed_past_certificate_warning = g.Bool("proceed_past_certificate_warning");
    guest.tls = TlsPolicyAt(g);
    if (g.Has("crowd"))
        guest.crowd = BuildCrowd(g.Object("crowd"));
    return guest;
}

// "name=value" rows of a form, split at the first '='.
std::vector<std::pair<std::string, std::string>> FormRowsAt(const Reader& r,
                                                            const std::string& key) {
    std::vector<std::pair<std::string, std::string>> rows;
    const auto texts = r.Strings(key);
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto eq = texts[i].find('=');
        if (eq == std::string::npos || eq == 0) {
            r.Ctx().Error(JoinPointer(r.Ptr(key), i),
                          "\"" + texts[i] + "\" is not a form field (name=value)");
            continue;
        }
        rows.emplace_back(texts[i].substr(0, eq), texts[i].substr(eq + 1));
    }
    return rows;
}

AdminSessionConfig BuildAdminSession(const Reader& root) {
    AdminSessionConfig session;
    auto a = root.Object("admin_session");
    session.node = a.Str("node");
    if (auto u = UrlAt(a, "url"))
        session.url = *u;
    session.user = a.Str("user");
    session.password = a.Str("password");
    session.trusted_cas = a.Strings("trusted_cas");
    session.at_s = a.Num("at");
    for (const auto& q : a.Objects("requests")) {
        AdminRequest request;
        request.method = q.Str("method");
        request.path = q.Str("path");
        if (!q.Ctx().Bad(q.Ptr("path")) && request.path.rfind('/', 0) != 0)
            q.Ctx().Error(q.Ptr("path"), "\"" + request.path + "\" is not a path (starts with /)");
        request.form = FormRowsAt(q, "form");
        request.after_s = q.Num("after");
        session.requests.push_back(request);
    }
    return session;
}

} // namespace

Scenario BuildModel(const json& document, Context& ctx) {
    Scenario s;
    Reader root(ctx, document, "");
    root.Raw("$schema");
    // How `cmslab mutate` derived this file from another: read by `cmslab sweep` from the
    // file itself; nothing of the deployment.
    root.Raw("mutation");
    s.name = root.Str("name");
    CheckName(root, "name", s.name);
    s.description = root.Str("description");
    s.seed = static_cast<std::uint64_t>(root.Int("seed"));
    s.duration_s = root.Num("duration");
    s.start_time = root.Time("start_time").value_or(0);
    for (const auto& n : root.Objects("networks")) {
        Network net;
        net.name = n.Str("name");
        CheckName(n, "name", net.name);
        if (auto p = n.PrefixAt("prefix"))
            net.prefix = *p;
        net.description = n.Str("description");
        net.delay_ms = n.Num("delay_ms");
        net.jitter_ms = n.Num("jitter_ms");
        net.loss_percent = n.Num("loss_percent");
        net.bandwidth_mbps = n.Num("bandwidth_mbps");
        net.capture = n.Str("capture");
        s.networks.push_back(net);
    }
    for (const auto& n : root.Objects("nodes"))
        s.nodes.push_back(BuildNode(n));
    for (const auto& n : root.Objects("nat_firewalls"))
        s.nat_firewalls.push_back(BuildNatFirewall(n));
    s.dns_servers = BuildDnsServers(root);
    s.pki = BuildPki(root);
    s.guest_config = BuildGuest(root);
    if (root.Raw("guest").is_object())
        s.guest = root.Raw("guest");
    if (root.Has("admin_session"))
        s.admin_session = BuildAdminSession(root);
    if (root.Raw("expect").is_object())
        s.expect = root.Raw("expect");
    return s;
}

} // namespace cmslab::scenario::detail
