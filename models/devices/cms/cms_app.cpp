#include "cms/cms_app.h"

#include "cms/c2w_trust.h"
#include "common/overloaded.h"
#include "dns_resolver.h"
#include "http/basic_auth.h"
#include "http/form.h"
#include "http_client_session.h"
#include "http_server_session.h"
#include "pki/certificate_authority.h"
#include "sim_time.h"
#include "tcp_listener.h"
#include "tcp_stream.h"
#include "tls/context.h"
#include "tls_stream.h"
#include "udp_port.h"
#include "webapp/ice_servers.h"
#include "webapp/paths.h"
#include "websocket_session.h"

#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"

namespace cmslab::cms {

NS_OBJECT_ENSURE_REGISTERED(CmsApp);

struct CmsApp::Probe {
    std::unique_ptr<TurnProbe> probe;
    std::unique_ptr<net::UdpPort> port;
    net::Timer timer;
    net::Timer repeat;
    std::optional<dns::LookupId> lookup;
    std::uint64_t round = 0; // probes sent so far
};

struct CmsApp::Media {
    std::unique_ptr<CallMedia> media;
    std::unique_ptr<net::UdpPort> port;
    // TURN over TCP, once the UDP Allocate was given up: one connection to the server.
    std::unique_ptr<net::TcpStream> tcp;
    bool tcp_closed = false;
    net::Timer timer;
    // The call's number, for the line logged when the media ends: by then the guest has
    // usually left and the Call Bridge no longer knows the session.
    std::optional<std::uint64_t> call;
};

struct CmsApp::Step {
    net::Timer timer;
    std::function<void()> run;
};

struct CmsApp::C2w {
    std::unique_ptr<net::HttpClientSession> session;
    bool tcp_connected = false;
};

ns3::TypeId CmsApp::GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId("cmslab::cms::CmsApp")
                                 .SetParent<ns3::Application>()
                                 .SetGroupName("cmslab")
                                 .AddConstructor<CmsApp>();
    return tid;
}

CmsApp::CmsApp() = default;
CmsApp::~CmsApp() = default;

void CmsApp::Configure(CmsAppSettings settings, std::unique_ptr<devices::DnsResolver> resolver,
                       devices::BoxLog* log, Rng rng) {
    m_settings = std::move(settings);
    m_resolver = std::move(resolver);
    m_log = log;
    m_rng = rng;
    LogSink sink = [this](std::string_view level, const std::string& text) { Log(level, text); };
    m_api = std::make_unique<ApiHandler>(m_settings.api_users, rng.Fork("api"));
    m_call_bridge = std::make_unique<CallBridge>(m_settings.web_bridge, m_settings.spaces,
                                                 rng.Fork("call-bridge"), sink, m_settings.counters,
                                                 m_settings.login_steps);
    m_api->SetSpaces(m_call_bridge.get());
    m_call_bridge->SetScheduler([this](Duration delay, std::function<void()> step) {
        ScheduleStep(delay, std::move(step));
    });
    m_web_bridge = std::make_unique<WebBridge>(m_settings.web_bridge, *m_call_bridge, [this] {
        std::vector<webapp::IceServer> servers;
        for (const auto& r : m_api->TurnServers())
            servers.push_back(
                webapp::TurnIceServer(r.AddressForClients(), r.Port(), r.username, r.password));
        return servers;
    });
    m_link = std::make_unique<CallBridgeLink>(m_settings.web_bridge.guest_account_client_uri, sink,
                                              m_settings.c2w_retry_interval,
                                              m_settings.counters.web_bridge_link);
    m_web_bridge->OnLater([this](const std::string& session, const WebBridge::SignalingResult& r) {
        AfterSignaling(session, r);
    });
    m_web_bridge->OnMedia([this](const std::string& session, const webapp::SignalingMessage& m) {
        auto it = m_media.find(session);
        if (it == m_media.end())
            return;
        it->second->media->OnSignaling(m, net::SimNow());
        PumpMedia(session);
    });
    m_api->OnChange([this](const std::string& id) {
        // Not from inside the API request's own handling.
        net::Defer(m_alive, [this, id] { StartProbe(id); });
    });
}

void CmsApp::Log(std::string_view level, const std::string& text) {
    if (m_log)
        m_log->Write(level, text);
}

bool CmsApp::LinkUp() const {
    return m_link && m_link->Up();
}

void CmsApp::StartApplication() {
    if (!m_rng) {
        NS_FATAL_ERROR("CmsApp started without Configure()");
    }
    Rng ctx_rng = m_rng->Fork("tls-contexts");
    auto make = [&](tls::ContextConfig config, const char* what) {
        std::shared_ptr<const tls::Context> out;
        config.key_log = m_settings.key_log;
        tls::ApplyPolicy(m_settings.tls, config); // leaves the DTLS context as it is
        auto ctx = tls::Context::Create(std::move(config), ctx_rng);
        if (ctx)
            out = *ctx;
        else
            Log(kError, std::string("TLS: ") + what + " context failed: " + ctx.Message());
        return out;
    };
    // Both HTTPS servers (web bridge, web admin): the box's certificate, HTTP/1.1 by ALPN.
    auto https_server = [](const pki::Identity& identity) {
        tls::ContextConfig config;
        config.role = tls::Role::Server;
        config.identities = {identity};
        config.alpn = {"http/1.1"};
        return config;
    };
    if (m_settings.web_bridge_identity) {
        tls::ContextConfig web = https_server(*m_settings.web_bridge_identity);
        if (!m_settings.c2w_trust.empty()) {
            // Ask clients for a certificate, to recognise the Call Bridge; clients
            // without one (browsers, proxies) go on as ordinary web clients.
            web.trust_anchors = m_settings.c2w_trust;
            web.verify = tls::VerifyMode::Report;
        }
        m_web_ctx = make(web, "web bridge");
    }
    if (m_settings.admin_identity)
        m_admin_ctx = make(https_server(*m_settings.admin_identity), "web admin");
    tls::ContextConfig c2w;
    c2w.role = tls::Role::Client;
    if (m_settings.call_bridge_identity)
        c2w.identities = {*m_settings.call_bridge_identity};
    // The Call Bridge does not judge the web bridge's certificate; the trust runs the
    // other way (the web bridge's c2w trust list).
    c2w.verify = tls::VerifyMode::None;
    c2w.alpn = {"http/1.1"};
    m_c2w_ctx = make(c2w, "call bridge");
    tls::ContextConfig api_client;
    api_client.role = tls::Role::Client;
    api_client.verify = tls::VerifyMode::None;
    m_api_client_ctx = make(api_client, "API client");

    {
        // The Call Bridge's DTLS certificate: self-signed, as WebRTC endpoints use.
        pki::CertificateProfile profile;
        profile.subject.common_name = "cms-dtls";
        profile.not_before = m_settings.epoch_unix_s - 86400;
        profile.not_after = m_settings.epoch_unix_s + 30 * 86400;
        Rng dtls_rng = m_rng->Fork("dtls-certificate");
        profile.usage = pki::CertificateUsage::ServerAndClient;
        auto dtls = pki::CreateSelfSigned(profile, dtls_rng);
        if (dtls) {
            m_dtls_fingerprint = dtls->certificate.ComputeFingerprint("sha-256").HexWithColons();
            // DTLS as initiator (the client); the browser's self-signed certificate is
            // judged only by the fingerprint it signalled.
            tls::ContextConfig config;
            config.role = tls::Role::Client;
            config.transport = tls::Transport::Datagram;
            config.identities = {*dtls};
            config.verify = tls::VerifyMode::Fingerprint;
            config.srtp_profiles = {"SRTP_AES128_CM_SHA1_80"};
            m_dtls_ctx = make(config, "DTLS");
        } else {
            Log(kError, "DTLS certificate: " + dtls.Message());
        }
    }
    RouteOwnAddressesLocally();
    ListenWebBridge();
    ListenAdmin();
    m_link_timer = std::make_unique<net::Timer>();
    m_boot_timer = std::make_unique<net::Timer>();
    m_boot_timer->ScheduleIn(m_settings.start_delay, [this](Instant) { Boot(); });
}

void CmsApp::RouteOwnAddressesLocally() {
    // The box talks to itself (its API client to its admin port, the Call Bridge to a
    // web bridge on the same box). ns-3's static routing would send such packets out of
    // the NIC, where nobody answers ARP for them; a host route through the loopback
    // interface delivers them locally, as an operating system does.
    ns3::Ptr<ns3::Ipv4> ipv4 = GetNode()->GetObject<ns3::Ipv4>();
    if (!ipv4)
        return;
    ns3::Ipv4StaticRoutingHelper helper;
    ns3::Ptr<ns3::Ipv4StaticRouting> routes = helper.GetStaticRouting(ipv4);
    if (!routes)
        return;
    for (std::uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i)
        for (std::uint32_t a = 0; a < ipv4->GetNAddresses(i); ++a)
            routes->AddHostRouteTo(ipv4->GetAddress(i, a).GetLocal(), 0);
}

void CmsApp::Boot() {
    CreateTurnServers();
    ApplyLink(m_link->Start(net::SimNow()));
    LinkChanged();
}

void CmsApp::StopApplication() {
    m_alive = std::make_shared<int>(0);
    m_boot_timer.reset();
    m_link_timer.reset();
    m_steps.clear();
    m_probes.clear();
    m_media.clear();
    m_c2w.reset();
    m_api_client.reset();
    m_signaling.clear();
    m_web_sessions.clear();
    m_admin_sessions.clear();
    m_web_listener.reset();
    m_admin_listener.reset();
}

void CmsApp::DoDispose() {
    StopApplication();
    m_resolver.reset();
    ns3::Application::DoDispose();
}

std::unique_ptr<net::TlsStream> CmsApp::AcceptTls(std::unique_ptr<net::ByteStream> transport,
                                                  std::shared_ptr<const tls::Context> context,
                                                  const std::string& rng_label) {
    tls::EndpointOptions options;
    options.verify_time = net::WallClockSeconds(m_settings.epoch_unix_s);
    return net::TlsStream::Server(std::move(transport), std::move(context), options,
                                  m_rng->Fork(rng_label));
}

std::unique_ptr<net::TlsStream> CmsApp::ConnectTls(std::unique_ptr<net::ByteStream> transport,
                                                   std::shared_ptr<const tls::Context> context,
                                                   const std::string& server_name,
                                                   const std::string& rng_label) {
    tls::EndpointOptions options;
    options.server_name = server_name;
    options.verify_time = net::WallClockSeconds(m_settings.epoch_unix_s);
    return net::TlsStream::Client(std::move(transport), std::move(context), options,
                                  m_rng->Fork(rng_label));
}

// --- servers -------------------------------------------------------------------------

void CmsApp::ListenWebBridge() {
    if (!m_web_ctx) {
        Log(kError, "web bridge: no certificate configured; not listening");
        return;
    }
    auto listener = net::TcpListener::Listen(
        GetNode(), net::AnyAddress(m_settings.web_bridge.port),
        [this](std::unique_ptr<net::TcpStream> tcp) {
            const std::uint64_t id = m_next_conn++;
            auto tls =
                AcceptTls(std::move(tcp), m_web_ctx, "web-bridge-conn:" + std::to_string(id));
            net::TlsStream* raw = tls.get();
            auto session = std::make_unique<net::HttpServerSession>(
                std::move(tls),
                [this, id, raw](http::Request request, net::HttpResponder responder) {
                    if (request.method == "POST" &&
                        http::SplitTarget(request.target).path == kC2wRegisterPath) {
                        const bool trusted = raw->HandshakeDone() &&
                                             TrustedCallBridge(raw->Session().peer_certificate,
                                                               m_settings.c2w_trust);
                        http::Response r;
                        r.status = trusted ? 200 : 403;
                        r.headers.Add("Content-Length", "0");
                        if (trusted)
                            m_c2w_server_conn = id;
                        else
                            r.headers.Add("Connection", "close");
                        responder.Respond(std::move(r));
                        return;
                    }
                    HandleWebRequest(id, std::move(request), std::move(responder));
                });
            session->SetOnClosed([this, id](const net::CloseInfo&) {
                if (m_c2w_server_conn == id)
                    m_c2w_server_conn.reset();
                DropServerSession(m_web_sessions, id);
            });
            m_web_sessions[id] = std::move(session);
        });
    if (!listener) {
        Log(kError, "web bridge: cannot listen on port " +
                        std::to_string(m_settings.web_bridge.port) + ": " + listener.Message());
        return;
    }
    m_web_listener = std::move(*listener);
}

void CmsApp::ListenAdmin() {
    auto listener = net::TcpListener::Listen(
        GetNode(), net::AnyAddress(m_settings.admin_port),
        [this](std::unique_ptr<net::TcpStream> tcp) {
            const std::uint64_t id = m_next_conn++;
            std::unique_ptr<net::ByteStream> stream = std::move(tcp);
            if (m_admin_ctx)
                stream =
                    AcceptTls(std::move(stream), m_admin_ctx, "admin-conn:" + std::to_string(id));
            auto session = std::make_unique<net::HttpServerSession>(
                std::move(stream), [this](http::Request request, net::HttpResponder responder) {
                    responder.Respond(m_api->Handle(request));
                });
            session->SetOnClosed(
                [this, id](const net::CloseInfo&) { DropServerSession(m_admin_sessions, id); });
            m_admin_sessions[id] = std::move(session);
        });
    if (!listener) {
        Log(kError, "web admin: cannot listen on port " + std::to_string(m_settings.admin_port) +
                        ": " + listener.Message());
        return;
    }
    if (!m_admin_ctx)
        Log(kWarning, "web admin: no certificate configured; the API is served over plain HTTP");
    m_admin_listener = std::move(*listener);
}

void CmsApp::DropServerSession(
    std::map<std::uint64_t, std::unique_ptr<net::HttpServerSession>>& from, std::uint64_t id) {
    auto* map = &from;
    net::Defer(m_alive, [map, id] { map->erase(id); });
}

void CmsApp::HandleWebRequest(std::uint64_t conn, http::Request request,
                              net::HttpResponder responder) {
    if (responder.IsUpgradeRequest()) {
        auto upgrade = m_web_bridge->HandleUpgrade(request);
        if (!upgrade.session) {
            responder.Respond(std::move(upgrade.response));
            return;
        }
        OpenSignaling(*upgrade.session, std::move(responder));
        // The HTTP session handed its stream over; it is no longer needed.
        DropServerSession(m_web_sessions, conn);
        return;
    }
    if (http::SplitTarget(request.target).path == webapp::kPagePath)
        ++m_pages_served;
    m_web_bridge->Handle(request, [responder](http::Response response) mutable {
        responder.Respond(std::move(response));
    });
}

void CmsApp::ScheduleStep(Duration delay, std::function<void()> step) {
    const std::uint64_t id = m_next_step++;
    auto pending = std::make_unique<Step>();
    pending->run = std::move(step);
    Step* raw = pending.get();
    m_steps[id] = std::move(pending);
    raw->timer.ScheduleIn(delay, [this, id](Instant) {
        auto it = m_steps.find(id);
        if (it == m_steps.end())
            return;
        // The step may schedule the next one; its timer goes after it has run.
        auto run = std::move(it->second->run);
        net::Defer(m_alive, [this, id] { m_steps.erase(id); });
        run();
    });
}

void CmsApp::OpenSignaling(const std::string& session, net::HttpResponder responder) {
    auto ws = responder.AcceptWebSocket({webapp::kSignalingProtocol});
    if (!ws)
        return;
    ws->SetOnMessage([this, session](const net::WebSocketMessage& message) {
        if (message.binary)
            return;
        AfterSignaling(session, m_web_bridge->OnSignaling(session, message.text));
    });
    ws->SetOnClosed([this, session](const net::WebSocketClosed&) {
        const auto result = m_web_bridge->OnChannelClosed(session);
        StopMedia(session);
        net::Defer(m_alive, [this, session] { m_signaling.erase(session); });
        DeliverSignaling(result);
    });
    // A second channel for the same session replaces the first.
    m_signaling[session] = std::move(ws);
}

void CmsApp::AfterSignaling(const std::string& session, const WebBridge::SignalingResult& result) {
    DeliverSignaling(result);
    const GuestSession* guest = m_call_bridge->Session(session);
    if (guest && guest->call && !m_media.count(session) && !result.close)
        StartMedia(session);
    if (result.close || !guest)
        StopMedia(session);
    if (result.close) {
        auto it = m_signaling.find(session);
        if (it != m_signaling.end())
            it->second->Close();
    }
}

void CmsApp::DeliverSignaling(const WebBridge::SignalingResult& result) {
    for (const auto& out : result.messages) {
        auto it = m_signaling.find(out.session);
        if (it != m_signaling.end() && it->second)
            it->second->Send(out.text);
    }
}

// --- turnServers through the API -----------------------------------------------------

void CmsApp::CreateTurnServers() {
    if (m_settings.turn_servers.empty())
        return;
    if (m_settings.api_users.empty()) {
        m_api_errors.push_back("no API user configured");
        Log(kWarning, "turnServers: no API user to create them with");
        return;
    }
    const Endpoint admin{m_settings.address, m_settings.admin_port};
    net::TcpConnectOptions connect;
    connect.local_address = m_settings.address;
    std::unique_ptr<net::ByteStream> stream = net::TcpStream::Connect(GetNode(), admin, connect);
    if (m_admin_ctx && m_api_client_ctx)
        stream = ConnectTls(std::move(stream), m_api_client_ctx, m_settings.address.ToString(),
                            "api-client");
    m_api_client =
        std::make_unique<net::HttpClientSession>(std::move(stream), m_rng->Fork("api-client-http"));
    m_next_turn_server = 0;
    PostNextTurnServer();
}

void CmsApp::PostNextTurnServer() {
    if (m_next_turn_server >= m_settings.turn_servers.size() || !m_api_client) {
        if (m_api_client) {
            m_api_client->Close();
            net::Defer(m_alive, [this] { m_api_client.reset(); });
        }
        return;
    }
    const auto& t = m_settings.turn_servers[m_next_turn_server];
    http::FormFields fields = {{"serverAddress", t.server_address}};
    if (!t.client_address.empty())
        fields.push_back({"clientAddress", t.client_address});
    fields.push_back({"username", t.username});
    fields.push_back({"password", t.password});
    fields.push_back({"type", t.type});
    if (t.tcp_port_number_override != 0)
        fields.push_back({"tcpPortNumberOverride", std::to_string(t.tcp_port_number_override)});
    if (t.num_registrations != 0)
        fields.push_back({"numRegistrations", std::to_string(t.num_registrations)});
    const std::string body = http::FormEncode(fields);
    http::Request request;
    request.method = "POST";
    request.target = "/api/v1/turnServers";
    request.headers.Add("Host", m_settings.address.ToString() + ":" +
                                    std::to_string(m_settings.admin_port));
    const auto& user = m_settings.api_users.front();
    if (auto auth = http::EncodeBasicAuth(user.name, user.password))
        request.headers.Add("Authorization", *auth);
    request.headers.Add("Content-Type", webapp::kFormContentType);
    request.body.assign(body.begin(), body.end());
    const std::size_t index = m_next_turn_server++;
    m_api_client->Send(std::move(request), [this, index](Expected<http::Response> response) {
        std::string error;
        if (!response)
            error = response.Message();
        else if (response->status != 200)
            error = "HTTP " + std::to_string(response->status) + " " +
                    std::string(response->body.begin(), response->body.end());
        if (!error.empty()) {
            m_api_errors.push_back("turnServers[" + std::to_string(index) + "]: " + error);
            Log(kWarning, "API client: creating turn server " +
                              m_settings.turn_servers[index].server_address + " failed: " + error);
        }
        if (!response) {
            net::Defer(m_alive, [this] { m_api_client.reset(); });
            return;
        }
        PostNextTurnServer();
    });
}

// --- TURN probes ---------------------------------------------------------------------

void CmsApp::StartProbe(const std::string& id) {
    const TurnServerRecord* record = m_api->FindTurnServer(id);
    if (!record) {
        m_probes.erase(id);
        return;
    }
    auto& slot = m_probes[id];
    if (slot && slot->lookup && m_resolver)
        m_resolver->Cancel(*slot->lookup);
    const std::uint64_t round = slot ? slot->round : 0;
    slot = std::make_unique<Probe>();
    slot->round = round;
    const std::uint16_t port = record->Port();
    if (const auto address = IpAddress::Parse(record->server_address)) {
        ProbeResolved(id, Endpoint{*address, port});
        return;
    }
    if (!m_resolver)
        return;
    Probe* probe = slot.get();
    const std::string name = record->server_address;
    probe->lookup = m_resolver->Resolve(
        name, dns::RecordType::A, [this, id, port, probe, name](const dns::LookupResult& result) {
            auto it = m_probes.find(id);
            if (it == m_probes.end() || it->second.get() != probe)
                return;
            probe->lookup.reset();
            if (result.addresses.empty()) {
                TurnProbeStatus status;
                status.state = TurnProbeStatus::State::Failure;
                status.address = name;
                status.port = port;
                m_api->SetProbeStatus(id, status);
                ArmProbe(id);
                return;
            }
            ProbeResolved(id, Endpoint{result.addresses.front(), port});
        });
}

void CmsApp::ProbeResolved(const std::string& id, const Endpoint& server) {
    auto it = m_probes.find(id);
    if (it == m_probes.end())
        return;
    Probe* probe = it->second.get();
    auto port = net::UdpPort::Bind(GetNode(), Endpoint{IpAddress::V4(0), 0});
    if (!port) {
        Log(kWarning, "turn server probe: cannot bind a UDP port: " + port.Message());
        return;
    }
    probe->port = std::move(*port);
    // Each probe round its own random stream: a new STUN transaction ID every time
    // (RFC 8489 section 6), and still the same bytes for the same seed.
    ++probe->round;
    probe->probe = std::make_unique<TurnProbe>(
        server, m_rng->Fork("turn-probe:" + id + ":" + std::to_string(probe->round)));
    auto finish = [this, id, probe] {
        m_api->SetProbeStatus(id, probe->probe->Status());
        probe->timer.Cancel();
        net::Defer(m_alive, [this, id, probe] {
            auto found = m_probes.find(id);
            if (found != m_probes.end() && found->second.get() == probe)
                probe->port.reset();
        });
        ArmProbe(id);
    };
    probe->port->SetOnDatagram(
        [probe, finish](const Endpoint& from, const Endpoint&, const Bytes& data) {
            if (from != probe->probe->Server())
                return;
            if (probe->probe->OnDatagram(net::SimNow(), data))
                finish();
        });
    const Bytes first = probe->probe->Start(net::SimNow());
    probe->port->SendTo(server, first);
    // Each firing re-arms for the probe's next deadline until it is done.
    struct Rearm {
        Probe* probe;
        std::function<void()> finish;
        void operator()(Instant now) const {
            const Bytes again = probe->probe->OnTimer(now);
            if (!again.empty())
                probe->port->SendTo(probe->probe->Server(), again);
            if (probe->probe->Done()) {
                finish();
                return;
            }
            probe->timer.Arm(probe->probe->NextTimer(), *this);
        }
    };
    probe->timer.Arm(probe->probe->NextTimer(), Rearm{probe, finish});
}

void CmsApp::ArmProbe(const std::string& id) {
    auto it = m_probes.find(id);
    if (it == m_probes.end())
        return;
    it->second->repeat.ScheduleIn(m_settings.turn_probe_interval,
                                  [this, id](Instant) { StartProbe(id); });
}

// --- call media --------------------------------------------------------------------

void CmsApp::StartMedia(const std::string& session) {
    const auto servers = m_api->TurnServers();
    if (servers.empty())
        return;
    const TurnServerRecord& record = servers.front();
    const auto address = IpAddress::Parse(record.server_address);
    if (!address) {
        Log(kWarning, "media: TURN server \"" + record.server_address +
                          "\" is a name; only addresses are used for media");
        return;
    }
    auto port = net::UdpPort::Bind(GetNode(), Endpoint{IpAddress::V4(0), 0});
    if (!port) {
        Log(kWarning, "media: cannot bind a UDP port: " + port.Message());
        return;
    }
    CallMediaConfig config;
    config.session.turn_server = Endpoint{*address, record.Port()};
    config.session.username = record.username;
    config.session.password = record.password;
    config.session.dtls_context = m_dtls_ctx;
    config.session.epoch_unix_s = m_settings.epoch_unix_s;
    config.dtls_fingerprint = m_dtls_fingerprint;
    // The server's TCP listener: the same port (the override when set), as the browsers'
    // ?transport=tcp URL has it.
    config.turn_tcp_port = record.Port();
    config.turn_tcp_fallback_after = m_settings.turn_tcp_fallback_after;
    auto media = std::make_unique<Media>();
    media->port = std::move(*port);
    media->media = std::make_unique<CallMedia>(config, m_rng->Fork("media:" + session));
    if (const GuestSession* guest = m_call_bridge ? m_call_bridge->Session(session) : nullptr)
        media->call = guest->call;
    Media* raw = media.get();
    media->port->SetOnDatagram(
        [this, session, raw](const Endpoint& from, const Endpoint&, const Bytes& data) {
            raw->media->OnDatagram(from, data, net::SimNow());
            PumpMedia(session);
        });
    m_media[session] = std::move(media);
    raw->media->Start(net::SimNow());
    PumpMedia(session);
}

void CmsApp::PumpMedia(const std::string& session) {
    auto it = m_media.find(session);
    if (it == m_media.end())
        return;
    Media* m = it->second.get();
    SendToTurnServer(session, *m);
    WebBridge::SignalingResult out;
    while (auto s = m->media->PollSignaling())
        out.messages.push_back(m_web_bridge->Send(session, *s));
    DeliverSignaling(out);
    while (auto e = m->media->PollEvent())
        std::visit(
            Overloaded{
                [&](const IceFailureEvent& f) {
                    m_call_bridge->IceFailure(session, f.code, f.reason);
                },
                [&](const DtlsStartEvent&) { m_call_bridge->StartDtls(session); },
                [&](const DtlsFailureEvent& f) { m_call_bridge->DtlsFailure(session, f.reason); },
                [&](const MediaNoteEvent& n) {
                    m_call_bridge->MediaNote(session, n.warning, n.text);
                },
                [&](const TurnTcpFallbackEvent& f) {
                    m_call_bridge->TurnTcpFallback(session, f.server.ToString(), f.why,
                                                   f.tcp_server.ToString());
                },
                [&](const TurnAllocatedOverTcpEvent& a) {
                    m_call_bridge->TurnAllocatedOverTcp(session, a.relay.ToString(),
                                                        a.server.ToString());
                },
            },
            *e);
    m->timer.Arm(m->media->NextTimeout(), [this, session](Instant now) {
        auto found = m_media.find(session);
        if (found == m_media.end())
            return;
        found->second->media->HandleTimeout(now);
        PumpMedia(session);
    });
}

// What the call's media session has for the TURN server: datagrams on its UDP port, or,
// after the fallback, bytes on one TCP connection opened with the first of them (RFC 8656
// section 3.1: the relay to the browser stays UDP, at the server).
void CmsApp::SendToTurnServer(const std::string& session, Media& m) {
    while (auto d = m.media->PollDatagram()) {
        if (!m.media->OverTcp()) {
            m.port->SendTo(d->to, d->data);
            continue;
        }
        if (!m.tcp && !m.tcp_closed) {
            m.tcp = net::TcpStream::Connect(GetNode(), m.media->TurnServer());
            Media* raw = &m;
            m.tcp->SetOnData([this, session, raw](const Bytes& data) {
                if (raw->tcp_closed)
                    return;
                raw->media->OnStreamData(data, net::SimNow());
                PumpMedia(session);
            });
            m.tcp->SetOnClosed([this, session, raw](const net::CloseInfo& info) {
                if (raw->tcp_closed)
                    return;
                raw->tcp_closed = true;
                raw->media->OnStreamClosed(info.ToString(), net::SimNow());
                PumpMedia(session);
            });
        }
        if (m.tcp && !m.tcp_closed)
            m.tcp->Send(d->data);
    }
}

void CmsApp::StopMedia(const std::string& session) {
    auto it = m_media.find(session);
    if (it == m_media.end())
        return;
    std::shared_ptr<Media> old(std::move(it->second));
    m_media.erase(it);
    old->timer.Cancel();
    const std::string figures = old->media->ReceptionSummary();
    if (!figures.empty() && old->call)
        Log(kInfo, "call " + std::to_string(*old->call) + ": " + figures);
    // The call's allocation goes (a Refresh with lifetime 0), as the Call Bridge's TURN
    // client does on tear-down; the answer is not waited for.
    old->media->Close(net::SimNow());
    SendToTurnServer(session, *old);
    m_media_totals.packets_sent += old->media->Stats().packets_sent;
    m_media_totals.bytes_sent += old->media->Stats().bytes_sent;
    m_media_totals.packets_received += old->media->Stats().packets_received;
    m_media_totals.bytes_received += old->media->Stats().bytes_received;
    m_media_totals.rtcp_received += old->media->Stats().rtcp_received;
    m_media_totals.srtp_refused += old->media->Stats().srtp_refused;
    net::Defer(m_alive, [old] {});
}

// --- the c2w link --------------------------------------------------------------------

void CmsApp::ApplyLink(const LinkStep& step) {
    const Instant now = net::SimNow();
    if (step.timer)
        m_link_timer->ScheduleAt(*step.timer, [this](Instant at) {
            ApplyLink(m_link->OnTimer(at));
            LinkChanged();
        });
    switch (step.action) {
    case LinkStep::Do::Nothing:
    case LinkStep::Do::StartTls: // the TLS client starts with the connection
        return;
    case LinkStep::Do::Close:
        if (m_c2w) {
            auto old = std::shared_ptr<C2w>(std::move(m_c2w));
            net::Defer(m_alive, [old] {});
        }
        return;
    case LinkStep::Do::Resolve: {
        if (!m_resolver) {
            ApplyLink(m_link->OnResolved(now, Error{"no resolver"}));
            return;
        }
        m_resolver->Resolve(step.host, dns::RecordType::A, [this](const dns::LookupResult& result) {
            Expected<std::vector<IpAddress>> addresses =
                result.addresses.empty() ? Expected<std::vector<IpAddress>>(Error{result.error})
                                         : Expected<std::vector<IpAddress>>(result.addresses);
            ApplyLink(m_link->OnResolved(net::SimNow(), addresses));
            LinkChanged();
        });
        return;
    }
    case LinkStep::Do::Connect: {
        if (m_c2w) {
            auto old = std::shared_ptr<C2w>(std::move(m_c2w));
            net::Defer(m_alive, [old] {});
        }
        m_c2w = std::make_unique<C2w>();
        C2w* c2w = m_c2w.get();
        net::TcpConnectOptions connect;
        connect.local_address = m_settings.address;
        auto tcp = net::TcpStream::Connect(GetNode(), step.endpoint, connect);
        tcp->SetOnConnected([this, c2w] {
            if (m_c2w.get() != c2w)
                return;
            c2w->tcp_connected = true;
            ApplyLink(m_link->OnConnected(net::SimNow(), true));
        });
        auto tls = ConnectTls(std::move(tcp), m_c2w_ctx, m_link->Host(),
                              "c2w:" + std::to_string(m_link->LinkNumber()));
        c2w->session = std::make_unique<net::HttpClientSession>(
            std::move(tls), m_rng->Fork("c2w-http:" + std::to_string(m_link->LinkNumber())));
        auto failed = [this, c2w](const std::string& why) {
            if (m_c2w.get() != c2w)
                return;
            const Instant at = net::SimNow();
            switch (m_link->GetState()) {
            case CallBridgeLink::State::Connecting:
                ApplyLink(m_link->OnConnected(at, false));
                break;
            case CallBridgeLink::State::Handshaking:
                ApplyLink(m_link->OnTlsDone(at, false, why));
                break;
            case CallBridgeLink::State::Up:
                ApplyLink(m_link->OnClosed(at));
                break;
            default:
                break;
            }
            LinkChanged();
        };
        c2w->session->SetOnClosed(
            [failed](const net::CloseInfo& info) { failed(info.ToString()); });
        http::Request request;
        request.method = "POST";
        request.target = kC2wRegisterPath;
        request.headers.Add("Host", m_link->Host());
        request.headers.Add("Content-Length", "0");
        c2w->session->Send(
            std::move(request), [this, c2w, failed](Expected<http::Response> response) {
                if (m_c2w.get() != c2w)
                    return;
                if (!response) {
                    failed(response.Message());
                    return;
                }
                if (response->status != 200) {
                    failed("registration refused: HTTP " + std::to_string(response->status));
                    return;
                }
                if (m_link->GetState() == CallBridgeLink::State::Connecting)
                    ApplyLink(m_link->OnConnected(net::SimNow(), true));
                ApplyLink(m_link->OnTlsDone(net::SimNow(), true));
                LinkChanged();
            });
        return;
    }
    }
}

void CmsApp::LinkChanged() {
    const bool up = m_link->Up();
    m_web_bridge->SetLink(up, m_link->LinkNumber());
    m_was_up = up;
}

// --- status ----------------------------------------------------------------------------

nlohmann::json CmsApp::Status() const {
    using nlohmann::json;
    json faults = json::array();
    json alarms = json::array();
    json link = json::object();
    if (m_link) {
        if (!m_link->Fault().empty())
            faults.push_back(m_link->Fault());
        for (const auto& a : m_link->Alarms())
            alarms.push_back(a);
        static const char* kStates[] = {"idle", "resolving",        "connecting", "handshaking",
                                        "up",   "waiting to retry", "unusable"};
        link = {{"uri", m_settings.web_bridge.guest_account_client_uri},
                {"host", m_link->Host()},
                {"port", m_link->Port()},
                {"state", kStates[static_cast<int>(m_link->GetState())]},
                {"link_number", m_link->LinkNumber()}};
    }
    json turn = json::array();
    if (m_api) {
        for (const auto& r : m_api->TurnServers()) {
            json entry = {{"id", r.id},
                          {"serverAddress", r.server_address},
                          {"clientAddress", r.client_address},
                          {"username", r.username},
                          {"type", r.type},
                          {"port", r.Port()}};
            const TurnProbeStatus* s = m_api->ProbeStatus(r.id);
            if (s) {
                json st = {
                    {"status", s->state == TurnProbeStatus::State::Success ? "success" : "failure"},
                    {"address", s->address},
                    {"portNumber", s->port},
                    {"reachable", s->reachable}};
                if (s->reachable) {
                    st["roundTripTimeMs"] = s->round_trip_ms;
                    st["mappedAddress"] = s->mapped_address;
                    st["mappedPortNumber"] = s->mapped_port;
                }
                entry["status"] = st;
            } else {
                entry["status"] = {{"status", "pending"}};
            }
            turn.push_back(entry);
        }
    }
    json api_errors = json::array();
    for (const auto& e : m_api_errors)
        api_errors.push_back(e);
    json spaces = json::array();
    if (m_call_bridge) {
        for (std::size_t i = 0; i < m_call_bridge->Spaces().size(); ++i) {
            const auto& s = m_call_bridge->Spaces()[i];
            if (s.removed)
                continue;
            json participants = json::array();
            for (const auto& p : m_call_bridge->Participants(i))
                participants.push_back({{"id", p.id}, {"name", p.display_name}});
            spaces.push_back({{"id", s.id},
                              {"name", s.settings.name},
                              {"callId", s.settings.call_id},
                              {"participants", participants}});
        }
    }
    auto stats_json = [](const media::Counters& m) {
        return json{{"packets_sent", m.packets_sent},         {"bytes_sent", m.bytes_sent},
                    {"packets_received", m.packets_received}, {"bytes_received", m.bytes_received},
                    {"rtcp_received", m.rtcp_received},       {"srtp_refused", m.srtp_refused}};
    };
    json calls = json::array();
    for (const auto& [session, media] : m_media) {
        const GuestSession* guest = m_call_bridge ? m_call_bridge->Session(session) : nullptr;
        const CallMedia& m = *media->media;
        json call = {{"call", guest && guest->call ? json(*guest->call) : json(nullptr)},
                     {"turn", turn::ClientStateName(m.Turn().GetState())},
                     {"turn_transport", m.OverTcp() ? "tcp" : "udp"},
                     {"ice", ice::AgentStateName(m.Ice().State())},
                     {"dtls", m.Dtls() ? (m.Dtls()->Established() ? "established"
                                          : m.Dtls()->GetState() == tls::EndpointBase::State::Failed
                                              ? "failed"
                                              : "handshaking")
                                       : "not started"},
                     {"media", stats_json(m.Stats())}};
        const rtp::ReceiverStats& r = m.Reception();
        if (r.Received() > 0)
            call["reception"] = {{"expected", r.Expected()},
                                 {"lost", r.Lost()},
                                 {"loss_percent", std::round(10000 * r.LossFraction()) / 100},
                                 {"jitter_ms", std::round(100 * r.JitterMs()) / 100}};
        if (m.RoundTrip().samples > 0)
            call["round_trip"] = {{"samples", m.RoundTrip().samples},
                                  {"mean_ms", std::round(100 * m.RoundTrip().MeanMs()) / 100}};
        if (m.Turn().GetState() == turn::Client::State::Allocated)
            call["relay"] = m.Turn().RelayedAddress().ToString();
        calls.push_back(call);
    }
    return {{"cms",
             {{"faults", faults},
              {"alarms", alarms},
              {"web_bridge_link", link},
              {"web_bridge",
               {{"port", m_settings.web_bridge.port},
                {"listening", m_web_listener != nullptr},
                {"join_call_offered", LinkUp()},
                {"pages_served", m_pages_served},
                {"signaling_channels", m_signaling.size()}}},
              {"web_admin",
               {{"port", m_settings.admin_port}, {"listening", m_admin_listener != nullptr}}},
              {"turn_servers", turn},
              {"api_client_errors", api_errors},
              {"spaces", spaces},
              {"calls", calls},
              {"ended_calls_media", stats_json(m_media_totals)}}}};
}

} // namespace cmslab::cms
