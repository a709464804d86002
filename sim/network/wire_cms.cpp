// The CMS side of the world; kept apart so that only this file of the harness pulls in
// the CMS application.
#include "wire_cms.h"

#include "cms/cms_app.h"
#include "dns_resolver.h"
#include "install_box.h"

namespace cmslab::network {

namespace {

cms::CmsAppSettings ToSettings(const scenario::Node& n, const scenario::CmsConfig& c) {
    cms::CmsAppSettings s;
    s.node = n.name;
    s.web_bridge.port = c.web_bridge.port;
    s.web_bridge.guest_account_client_uri = c.web_bridge.guest_account_client_uri.text;
    s.web_bridge.guest_account_jid_domain = c.web_bridge.guest_account_jid_domain;
    s.web_bridge.guest_access_via_id_and_passcode =
        c.web_bridge.guest_access_via_id_and_passcode == scenario::GuestAccessMode::Legacy
            ? cms::GuestAccessMode::Legacy
            : cms::GuestAccessMode::Secure;
    s.web_bridge.user_sign_in = c.web_bridge.user_sign_in;
    for (const scenario::Space& space : c.spaces)
        s.spaces.push_back(
            {space.name, space.uri, space.call_id, space.passcode, space.participant_limit});
    for (const scenario::TurnServerSpec& t : c.turn_servers)
        s.turn_servers.push_back({t.server_address, t.client_address, t.username, t.password,
                                  t.type, t.tcp_port_number_override, t.num_registrations});
    for (const scenario::User& u : c.web_admin.users)
        s.api_users.push_back({u.name, u.password});
    s.admin_port = c.web_admin.port;
    s.counters.web_bridge_link = static_cast<std::uint64_t>(c.counters.web_bridge_link);
    s.counters.guest_login_request = static_cast<std::uint64_t>(c.counters.guest_login_request);
    s.counters.call = static_cast<std::uint64_t>(c.counters.call);
    const auto ms = [](double v) {
        return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(v));
    };
    s.login_steps.passcode_resolution = ms(c.login_steps.passcode_resolution_ms);
    s.login_steps.credential_storage = ms(c.login_steps.credential_storage_ms);
    s.login_steps.response = ms(c.login_steps.response_ms);
    s.login_steps.user_instantiation = ms(c.login_steps.user_instantiation_ms);
    s.login_steps.session_creation = ms(c.login_steps.session_creation_ms);
    s.login_steps.call_allocation = ms(c.login_steps.call_allocation_ms);
    if (!n.interfaces.empty())
        s.address = n.interfaces.front().address;
    return s;
}

} // namespace

Expected<std::map<std::string, ns3::Ptr<cms::CmsApp>>>
StartCms(World& world, const ScenarioPki& pki, const tls::KeyLogSink& key_log) {
    std::map<std::string, ns3::Ptr<cms::CmsApp>> apps;
    for (const scenario::Node& n : world.Scenario().nodes) {
        if (n.role != "cms" || !n.cms)
            continue;
        if (!world.GetNode(n.name))
            continue;
        const scenario::CmsConfig& c = *n.cms;
        cms::CmsAppSettings s = ToSettings(n, c);
        auto web = pki.Configured(c.web_bridge.certificate);
        auto call_bridge = pki.Configured(c.call_bridge.certificate);
        auto admin = pki.Configured(c.web_admin.certificate);
        for (const auto* id : {&web, &call_bridge, &admin})
            if (!*id)
                return Error{n.name + ": " + id->Message()};
        s.web_bridge_identity = *web;
        s.call_bridge_identity = *call_bridge;
        s.admin_identity = *admin;
        s.c2w_trust = pki.TrustAnchors(c.web_bridge.c2w_trust);
        s.epoch_unix_s = world.EpochUnixSeconds();
        s.key_log = key_log;
        s.tls = c.tls;

        auto app = ns3::CreateObject<cms::CmsApp>();
        app->Configure(std::move(s), world.MakeResolver(n.name), world.Log(n.name),
                       world.ForkRng("cms:" + n.name));
        InstallBox(world, n.name, "cms", app);
        apps[n.name] = app;
    }
    return apps;
}

} // namespace cmslab::network
