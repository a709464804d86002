#include "expressway_c_app.h"

#include "dns_resolver.h"
#include "host_policy.h"
#include "log_lines/expressway_c_lines.h"
#include "net/sim_time.h"
#include "net/tcp_stream.h"
#include "net/tls_stream.h"
#include "tls/context.h"

#include "ns3/node.h"

namespace cmslab::expressway {

namespace net = devices::net;

NS_OBJECT_ENSURE_REGISTERED(ExpresswayCApp);

struct ExpresswayCApp::BridgeConn {
    std::unique_ptr<net::TlsStream> tls;
    std::string target;
};

ns3::TypeId ExpresswayCApp::GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId("cmslab::expressway::ExpresswayCApp")
                                 .SetParent<ns3::Application>()
                                 .SetGroupName("cmslab")
                                 .AddConstructor<ExpresswayCApp>();
    return tid;
}

ExpresswayCApp::ExpresswayCApp() = default;
ExpresswayCApp::~ExpresswayCApp() = default;

void ExpresswayCApp::Configure(ExpresswayCSettings settings,
                               std::unique_ptr<devices::DnsResolver> resolver, devices::BoxLog* log,
                               Rng rng) {
    m_settings = std::move(settings);
    m_resolver = std::move(resolver);
    m_log = log;
    m_rng = std::make_unique<Rng>(rng);
}

void ExpresswayCApp::Log(const std::string& component, const std::string& text) {
    if (m_log)
        m_log->Write(component, text);
}

void ExpresswayCApp::StartApplication() {
    Log("general", "Expressway-C " + m_settings.hostname + "." + m_settings.domain + " starting");
    tls::ContextConfig peer;
    peer.role = tls::Role::Client;
    if (m_settings.identity)
        peer.identities = {*m_settings.identity};
    peer.trust_anchors = m_settings.trust_anchors;
    peer.verify = tls::VerifyMode::Require;
    peer.key_log = m_settings.key_log;
    tls::ApplyPolicy(m_settings.tls, peer);
    auto pctx = tls::Context::Create(peer, *m_rng);
    if (pctx)
        m_peer_ctx = *pctx;
    else
        Log("general", "TLS: client context failed: " + pctx.Message());
    tls::ContextConfig bridge = peer;
    bridge.identities.clear();
    bridge.alpn = {"http/1.1"};
    auto bctx = tls::Context::Create(bridge, *m_rng);
    if (bctx)
        m_bridge_ctx = *bctx;
    else
        Log("general", "TLS: web bridge context failed: " + bctx.Message());

    m_refresh_timer = std::make_unique<net::Timer>();
    m_retry_timer = std::make_unique<net::Timer>();
    m_keepalive_timer = std::make_unique<net::Timer>();
    m_retry_timer->ScheduleIn(m_settings.start_delay, [this](Instant) { Begin(); });
}

void ExpresswayCApp::Begin() {
    if (m_settings.web_proxy) {
        m_cache = std::make_unique<WebProxyCache>(m_settings.guest_account_client_uris,
                                                  m_settings.refresh_interval);
        Resolve(m_cache->Start(net::SimNow()));
        ArmRefresh();
    } else {
        Log("webproxy", "Meeting Server web proxy is disabled");
    }
    if (m_settings.traversal_zone)
        ConnectZone();
    else
        Log("traversal", "no Unified Communications traversal zone configured");
}

void ExpresswayCApp::StopApplication() {
    m_bridges.clear();
    m_probes.clear();
    m_tunnel.reset();
    m_zone.reset();
    m_refresh_timer.reset();
    m_retry_timer.reset();
    m_keepalive_timer.reset();
    m_resolver.reset();
}

void ExpresswayCApp::DoDispose() {
    StopApplication();
    ns3::Application::DoDispose();
}

std::unique_ptr<net::TlsStream>
ExpresswayCApp::ConnectTls(const Endpoint& to, std::shared_ptr<const tls::Context> context,
                           const std::string& server_name, const std::string& rng_label) {
    auto tcp = net::TcpStream::Connect(GetNode(), to);
    tls::EndpointOptions options;
    options.server_name = server_name;
    options.verify_time = net::WallClockSeconds(m_settings.epoch_unix_s);
    return net::TlsStream::Client(std::move(tcp), std::move(context), options,
                                  m_rng->Fork(rng_label));
}

// --- web proxy cache -------------------------------------------------------------------

void ExpresswayCApp::ArmRefresh() {
    if (!m_cache || !m_refresh_timer)
        return;
    m_refresh_timer->Arm(m_cache->NextTimeout(), [this](Instant now) {
        Resolve(m_cache->HandleTimeout(now));
        ArmRefresh();
    });
}

void ExpresswayCApp::Resolve(const std::vector<std::string>& names) {
    for (const std::string& name : names) {
        if (!m_resolver) {
            dns::LookupResult r;
            r.name = name;
            r.status = dns::ResolveStatus::NoServer;
            Resolved(r);
            continue;
        }
        m_resolver->Resolve(name, dns::RecordType::A,
                            [this](const dns::LookupResult& r) { Resolved(r); });
    }
}

void ExpresswayCApp::Resolved(const dns::LookupResult& result) {
    if (!m_cache)
        return;
    const std::string line = m_cache->HandleResult(result, net::SimNow());
    if (line.empty())
        return;
    Log("webproxy", line);
    const CacheEntry* e = m_cache->Find(result.name);
    if (e && e->resolved)
        Probe(e->name);
    AnnounceWebBridges();
}

std::uint16_t ExpresswayCApp::BridgePort(const std::string& name) const {
    if (m_cache)
        if (const CacheEntry* e = m_cache->Find(name)) {
            const WebBridgeName n = ParseWebBridgeUrl(e->uri);
            if (n.port != 0)
                return n.port;
        }
    return 443;
}

void ExpresswayCApp::Probe(const std::string& name) {
    const auto address = m_cache->AddressOf(name);
    if (!address || !m_bridge_ctx)
        return;
    const Endpoint to{*address, BridgePort(name)};
    auto tls = ConnectTls(to, m_bridge_ctx, name, "probe:" + std::to_string(m_next_id++));
    tls->SetOnHandshakeDone([this, name, to](const net::TlsSessionInfo& s) {
        m_probe_failures.erase(name);
        Log("webproxy", log_lines::WebBridgeProbed::Format(
                            {name, to.ToString(), s.handshake.version, s.peer_subject}));
        auto it = m_probes.find(name);
        if (it != m_probes.end()) {
            it->second->Close();
            m_probes.erase(it);
        }
    });
    tls->SetOnClosed([this, name, to](const net::CloseInfo& info) {
        m_probe_failures[name] = "web bridge probe failed (" + info.ToString() + ")";
        Log("webproxy",
            log_lines::WebBridgeProbeFailed::Format({name, to.ToString(), info.ToString()}));
        m_probes.erase(name);
    });
    m_probes[name] = std::move(tls);
}

void ExpresswayCApp::AnnounceWebBridges() {
    if (!m_tunnel_up || !m_cache)
        return;
    std::vector<std::string> urls;
    for (const CacheEntry& e : m_cache->Entries())
        if (!e.addresses.empty())
            urls.push_back(e.name);
    SendFrame(MuxFrame::MakeWebBridges(urls));
}

// --- traversal zone --------------------------------------------------------------------

void ExpresswayCApp::ScheduleRetry() {
    if (!m_retry_timer || m_retry_timer->Pending())
        return;
    m_retry_timer->ScheduleIn(m_settings.retry_interval, [this](Instant) { ConnectZone(); });
}

void ExpresswayCApp::ConnectZone() {
    const ExpresswayCClientZone& z = *m_settings.traversal_zone;
    if (!m_peer_ctx)
        return ZoneFailed("no TLS context");
    auto connect = [this, z](const IpAddress& address) {
        m_peer_address = address;
        const Endpoint to{address, z.port};
        Log("traversal", "Traversal zone " + z.name + ": connecting to " + z.peer + " (" +
                             to.ToString() + ") over TLS");
        m_zone = ConnectTls(to, m_peer_ctx, z.peer, "zone:" + std::to_string(m_next_id++));
        TraversalClientConfig auth;
        auth.zone_name = z.name;
        auth.username = z.username;
        auth.password = z.password;
        auth.peer = z.peer;
        auth.port = z.port;
        auth.hop_count = z.hop_count;
        auth.local_name = m_settings.hostname + "." + m_settings.domain;
        m_zone_auth = std::make_unique<TraversalAuthClient>(auth, m_rng->Fork("zone-auth"));
        m_zone->SetOnVerifyFailed([this](const net::TlsVerifyFailure& f) {
            Log("traversal",
                "Traversal zone: certificate of the peer refused: " + f.error.ToString());
        });
        m_zone->SetOnHandshakeDone(
            [this](const net::TlsSessionInfo&) { m_zone->Send(m_zone_auth->Start()); });
        m_zone->SetOnData([this](const Bytes& data) {
            TraversalStep step = m_zone_auth->Feed(data);
            if (!step.send.empty())
                m_zone->Send(step.send);
            if (step.outcome == TraversalOutcome::Authenticated && m_zone_state != "Active") {
                m_zone_state = "Active";
                m_zone_reason.clear();
                Log("traversal", "Traversal zone " + m_settings.traversal_zone->name +
                                     ": Active (authenticated as " +
                                     m_settings.traversal_zone->username + ")");
                ConnectTunnel();
            } else if (step.outcome == TraversalOutcome::Rejected) {
                ZoneFailed(m_zone_auth->Reason());
            }
        });
        m_zone->SetOnClosed([this](const net::CloseInfo& info) {
            ZoneFailed("connection closed: " + info.ToString());
        });
    };
    if (auto literal = IpAddress::Parse(z.peer))
        return connect(*literal);
    if (!m_resolver)
        return ZoneFailed("no DNS server to resolve " + z.peer);
    m_resolver->Resolve(z.peer, dns::RecordType::A, [this, z, connect](const dns::LookupResult& r) {
        if (r.status != dns::ResolveStatus::Ok || r.addresses.empty())
            return ZoneFailed("cannot resolve " + z.peer + ": " + dns::ToString(r.status));
        Log("traversal", "Traversal zone " + z.name + ": " + z.peer + " resolved to " +
                             r.addresses.front().ToString());
        connect(r.addresses.front());
    });
}

void ExpresswayCApp::ZoneFailed(const std::string& why) {
    m_zone_state = "Failed";
    m_zone_reason = why;
    Log("traversal",
        log_lines::TraversalZoneFailed::Format({m_settings.traversal_zone->name, why}));
    // A stream may not be destroyed from this stack if we came from its handler: the
    // net layer allows it, so drop it now.
    m_zone.reset();
    TunnelFailed("traversal zone failed: " + why);
    ScheduleRetry();
}

// --- tunnel ----------------------------------------------------------------------------

void ExpresswayCApp::ConnectTunnel() {
    const ExpresswayCClientZone& z = *m_settings.traversal_zone;
    if (!m_peer_address)
        return;
    const Endpoint to{*m_peer_address, z.ssh_tunnel_port};
    Log("tunnel", "opening the tunnel to " + z.peer + " (" + to.ToString() + ")");
    m_decoder = MuxDecoder{};
    m_tunnel = ConnectTls(to, m_peer_ctx, z.peer, "tunnel:" + std::to_string(m_next_id++));
    m_tunnel->SetOnHandshakeDone([this, z](const net::TlsSessionInfo&) {
        m_tunnel_up = true;
        m_tunnel_reason.clear();
        Log("tunnel", "tunnel to " + z.peer + " established");
        AnnounceWebBridges();
        m_keepalive_timer->ScheduleIn(std::chrono::seconds(30), [this](Instant) {
            SendFrame(MuxFrame::MakeKeepalive(false));
        });
    });
    m_tunnel->SetOnData([this](const Bytes& data) { TunnelData(data); });
    m_tunnel->SetOnClosed([this](const net::CloseInfo& info) {
        TunnelFailed("tunnel closed: " + info.ToString());
        ScheduleRetry();
    });
}

void ExpresswayCApp::TunnelFailed(const std::string& why) {
    const bool was = m_tunnel_up || m_tunnel;
    m_tunnel_up = false;
    m_tunnel_reason = why;
    m_tunnel.reset();
    m_bridges.clear();
    if (m_keepalive_timer)
        m_keepalive_timer->Cancel();
    if (was)
        Log("tunnel", "tunnel down: " + why);
}

void ExpresswayCApp::SendFrame(const MuxFrame& frame) {
    if (!m_tunnel)
        return;
    auto bytes = EncodeMuxFrame(frame);
    if (bytes)
        m_tunnel->Send(*bytes);
}

void ExpresswayCApp::TunnelData(const Bytes& data) {
    m_decoder.Feed(data);
    while (m_tunnel) {
        auto next = m_decoder.Next();
        if (!next) {
            Log("tunnel", "tunnel: " + next.Message());
            m_tunnel->Abort();
            TunnelFailed(next.Message());
            ScheduleRetry();
            return;
        }
        if (!next->has_value())
            return;
        TunnelFrame(**next);
    }
}

void ExpresswayCApp::TunnelFrame(const MuxFrame& f) {
    switch (f.type) {
    case MuxFrameType::Open:
        OpenBridge(f.stream, f.target);
        return;
    case MuxFrameType::Keepalive:
        if (!f.pong)
            SendFrame(MuxFrame::MakeKeepalive(true));
        else if (m_keepalive_timer)
            m_keepalive_timer->ScheduleIn(std::chrono::seconds(30), [this](Instant) {
                SendFrame(MuxFrame::MakeKeepalive(false));
            });
        return;
    case MuxFrameType::WebBridges:
        return;
    case MuxFrameType::Data: {
        auto it = m_bridges.find(f.stream);
        if (it != m_bridges.end())
            it->second->tls->Send(f.data);
        return;
    }
    case MuxFrameType::Close:
    case MuxFrameType::Reset: {
        auto it = m_bridges.find(f.stream);
        if (it == m_bridges.end())
            return;
        if (f.type == MuxFrameType::Close)
            it->second->tls->Close();
        else
            it->second->tls->Abort();
        m_bridges.erase(it);
        return;
    }
    }
}

void ExpresswayCApp::OpenBridge(std::uint32_t stream, const std::string& target) {
    const auto address = m_cache ? m_cache->AddressOf(target) : std::nullopt;
    if (!address || !m_bridge_ctx) {
        Log("webproxy", "tunnel stream " + std::to_string(stream) + ": web bridge " + target +
                            " is not in the local cache; reset");
        SendFrame(MuxFrame::MakeReset(stream, "web bridge " + target + " not resolved"));
        return;
    }
    ++m_streams_opened;
    const Endpoint to{*address, BridgePort(target)};
    auto c = std::make_unique<BridgeConn>();
    c->target = target;
    c->tls = ConnectTls(to, m_bridge_ctx, target, "bridge:" + std::to_string(stream));
    Log("webproxy", "tunnel stream " + std::to_string(stream) + ": connecting to web bridge " +
                        target + " at " + to.ToString());
    c->tls->SetOnVerifyFailed([this, stream, target](const net::TlsVerifyFailure& f) {
        Log("webproxy", "tunnel stream " + std::to_string(stream) +
                            ": certificate of web "
                            "bridge " +
                            target + " refused: " + f.error.ToString());
    });
    c->tls->SetOnData([this, stream](const Bytes& data) {
        if (m_tunnel)
            m_tunnel->Send(EncodeMuxData(stream, data));
    });
    c->tls->SetOnClosed([this, stream](const net::CloseInfo& info) {
        BridgeClosed(stream, info.ToString(), info.reason != net::CloseReason::Normal);
    });
    m_bridges[stream] = std::move(c);
}

void ExpresswayCApp::BridgeClosed(std::uint32_t stream, const std::string& why, bool failed) {
    auto it = m_bridges.find(stream);
    if (it == m_bridges.end())
        return;
    const std::string target = it->second->target;
    m_bridges.erase(it);
    if (failed) {
        Log("webproxy", "tunnel stream " + std::to_string(stream) + ": web bridge " + target +
                            " connection failed: " + why);
        SendFrame(MuxFrame::MakeReset(stream, "web bridge " + target + ": " + why));
    } else {
        SendFrame(MuxFrame::MakeClose(stream));
    }
}

// --- status ----------------------------------------------------------------------------

std::vector<TunnelRow> ExpresswayCApp::Rows() const {
    TunnelState state;
    state.domains = m_settings.sip_domains;
    state.target = m_settings.traversal_zone ? m_settings.traversal_zone->peer : "";
    state.tunnel_active = m_tunnel_up;
    state.tunnel_reason = m_tunnel_reason;
    state.probe_failures = m_probe_failures;
    return TunnelRows(state, m_cache.get());
}

nlohmann::json ExpresswayCApp::Status() const {
    nlohmann::json j;
    j["system_name"] = m_settings.hostname + "." + m_settings.domain;
    nlohmann::json rows = nlohmann::json::array();
    if (m_settings.traversal_zone)
        for (const TunnelRow& r : Rows())
            rows.push_back(ToJson(r));
    j["ssh_tunnels"] = rows;
    if (m_settings.traversal_zone) {
        j["traversal_zone"] = {{"name", m_settings.traversal_zone->name},
                               {"peer", m_settings.traversal_zone->peer},
                               {"state", m_zone_state}};
        if (!m_zone_reason.empty())
            j["traversal_zone"]["reason"] = m_zone_reason;
    }
    nlohmann::json cache = nlohmann::json::array();
    if (m_cache)
        for (const CacheEntry& e : m_cache->Entries()) {
            nlohmann::json addresses = nlohmann::json::array();
            for (const IpAddress& a : e.addresses)
                addresses.push_back(a.ToString());
            cache.push_back({{"guest_account_client_uri", e.uri},
                             {"addresses", addresses},
                             {"result", e.result},
                             {"lookups", e.lookups}});
        }
    j["meeting_server_web_proxy"] = {{"enabled", m_settings.web_proxy}, {"cache", cache}};
    j["web_proxy_streams"] = m_streams_opened;
    return nlohmann::json{{"expressway_c", j}};
}

} // namespace cmslab::expressway
