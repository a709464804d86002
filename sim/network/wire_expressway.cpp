// The Expressway side of the world; kept apart so that only this file of the harness
// pulls in the Expressway applications.
#include "wire_expressway.h"

#include "dns_resolver.h"
#include "expressway_c_app.h"
#include "expressway_e_app.h"
#include "install_box.h"

namespace cmslab::network {

namespace {

std::uint16_t PeerTunnelPort(const scenario::Scenario& s, const std::string& peer) {
    const scenario::Node* fallback = nullptr;
    for (const scenario::Node& n : s.nodes) {
        if (!n.expressway_e || !n.expressway_e->traversal_zone)
            continue;
        if (n.expressway_e->hostname + "." + n.expressway_e->domain == peer)
            return n.expressway_e->traversal_zone->ssh_tunnel_port;
        if (!fallback)
            fallback = &n;
    }
    return fallback ? fallback->expressway_e->traversal_zone->ssh_tunnel_port : 2222;
}

} // namespace

Expected<ExpresswayApps> StartExpressways(World& world, const ScenarioPki& pki,
                                          const tls::KeyLogSink& key_log) {
    ExpresswayApps apps;
    const scenario::Scenario& s = world.Scenario();
    for (const scenario::Node& n : s.nodes) {
        if (!world.GetNode(n.name))
            continue;
        if (n.role == "expressway_e" && n.expressway_e) {
            const scenario::ExpresswayEConfig& c = *n.expressway_e;
            expressway::ExpresswayESettings e;
            e.node = n.name;
            e.hostname = c.hostname;
            e.domain = c.domain;
            for (const scenario::Interface& i : n.interfaces)
                e.nics.push_back(expressway::Nic{i.name, i.address});
            if (c.advanced_networking) {
                e.external_nic = c.advanced_networking->external_interface;
                e.static_nat_address = c.advanced_networking->static_nat_address;
            }
            for (const scenario::User& u : c.local_users)
                e.local_users[u.name] = u.password;
            if (c.traversal_zone)
                e.traversal_zone = expressway::ExpresswayEServerZone{
                    c.traversal_zone->name, c.traversal_zone->username, c.traversal_zone->port,
                    c.traversal_zone->ssh_tunnel_port, c.traversal_zone->tls_verify_subject_name};
            e.turn.enabled = c.turn.enabled;
            e.turn.port = c.turn.port;
            e.turn.realm = c.turn.realm;
            e.turn.min_port = c.turn.media_port_range.low;
            e.turn.max_port = c.turn.media_port_range.high;
            e.turn.relay_capacity = c.turn.relay_capacity;
            e.turn.per_user_quota = c.turn.per_user_quota;
            e.web_admin_port = c.web_admin_port;
            auto identity = pki.Configured(c.certificate);
            if (!identity)
                return Error{n.name + ": " + identity.Message()};
            e.identity = *identity;
            e.trust_anchors = pki.TrustAnchors(c.trusted_cas);
            e.epoch_unix_s = world.EpochUnixSeconds();
            e.key_log = key_log;
            e.tls = c.tls;
            auto app = ns3::CreateObject<expressway::ExpresswayEApp>();
            app->Configure(std::move(e), world.Log(n.name),
                           world.ForkRng("expressway-e:" + n.name));
            InstallBox(world, n.name, "expressway_e", app);
            apps.e[n.name] = app;
        } else if (n.role == "expressway_c" && n.expressway_c) {
            const scenario::ExpresswayCConfig& c = *n.expressway_c;
            expressway::ExpresswayCSettings cs;
            cs.node = n.name;
            cs.hostname = c.hostname;
            cs.domain = c.domain;
            cs.sip_domains = c.sip_domains;
            cs.mobile_and_remote_access =
                c.unified_communications_mode ==
                scenario::UnifiedCommunicationsMode::MobileAndRemoteAccess;
            if (c.traversal_zone)
                cs.traversal_zone =
                    expressway::ExpresswayCClientZone{c.traversal_zone->name,
                                                      static_cast<int>(c.traversal_zone->hop_count),
                                                      c.traversal_zone->username,
                                                      c.traversal_zone->password,
                                                      c.traversal_zone->port,
                                                      c.traversal_zone->peer,
                                                      PeerTunnelPort(s, c.traversal_zone->peer)};
            cs.web_proxy = c.meeting_server.web_proxy;
            cs.guest_account_client_uris = c.meeting_server.guest_account_client_uris;
            cs.refresh_interval = std::chrono::seconds(c.meeting_server.refresh_interval_s);
            auto identity = pki.Configured(c.certificate);
            if (!identity)
                return Error{n.name + ": " + identity.Message()};
            cs.identity = *identity;
            cs.trust_anchors = pki.TrustAnchors(c.trusted_cas);
            cs.epoch_unix_s = world.EpochUnixSeconds();
            cs.key_log = key_log;
            cs.tls = c.tls;
            auto app = ns3::CreateObject<expressway::ExpresswayCApp>();
            app->Configure(std::move(cs), world.MakeResolver(n.name), world.Log(n.name),
                           world.ForkRng("expressway-c:" + n.name));
            InstallBox(world, n.name, "expressway_c", app);
            apps.c[n.name] = app;
        }
    }
    return apps;
}

} // namespace cmslab::network
