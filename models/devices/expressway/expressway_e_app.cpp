#include "expressway_e_app.h"

#include "http/parser.h"
#include "http/serializer.h"
#include "log_lines/expressway_e_lines.h"
#include "net/sim_time.h"
#include "net/tcp_listener.h"
#include "net/tcp_stream.h"
#include "net/tls_stream.h"
#include "net/udp_port.h"
#include "tls/context.h"
#include "turn_event_log.h"

#include "ns3/node.h"

namespace cmslab::expressway {

namespace net = devices::net;

NS_OBJECT_ENSURE_REGISTERED(ExpresswayEApp);

struct ExpresswayEApp::ProxyConn {
    std::unique_ptr<net::TlsStream> tls;
    http::Parser parser{http::MessageKind::Request};
    Bytes buffered; // the request bytes read before the decision
    enum class State { Reading, Relaying, Refused } state = State::Reading;
    std::uint32_t stream = 0;
    Endpoint peer;
};

struct ExpresswayEApp::TunnelConn {
    std::unique_ptr<net::TlsStream> tls;
    MuxDecoder decoder;
    bool accepted = false;
    Endpoint peer;
};

struct ExpresswayEApp::ZoneConn {
    std::unique_ptr<net::TlsStream> tls;
    std::unique_ptr<TraversalAuthServer> auth;
    Endpoint peer;
};

struct ExpresswayEApp::AdminConn {
    std::unique_ptr<net::TlsStream> tls;
    http::Parser parser{http::MessageKind::Request};
};

ns3::TypeId ExpresswayEApp::GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId("cmslab::expressway::ExpresswayEApp")
                                 .SetParent<ns3::Application>()
                                 .SetGroupName("cmslab")
                                 .AddConstructor<ExpresswayEApp>();
    return tid;
}

ExpresswayEApp::ExpresswayEApp() = default;
ExpresswayEApp::~ExpresswayEApp() = default;

void ExpresswayEApp::Configure(ExpresswayESettings settings, devices::BoxLog* log, Rng rng) {
    m_settings = std::move(settings);
    m_log = log;
    m_rng = std::make_unique<Rng>(rng);
    m_policy = HostPolicy(m_settings.web_proxy_port);
}

void ExpresswayEApp::Log(const std::string& component, const std::string& text) {
    if (m_log)
        m_log->Write(component, text);
}

std::string ExpresswayEApp::InternalNicAddress() const {
    for (const Nic& n : m_settings.nics)
        if (n.name != m_settings.external_nic)
            return n.address.ToString();
    return m_settings.nics.empty() ? "" : m_settings.nics.front().address.ToString();
}

bool ExpresswayEApp::TunnelUp() const {
    return m_tunnel.has_value();
}

void ExpresswayEApp::StartApplication() {
    ns3::Ptr<ns3::Node> node = GetNode();
    Log("general", "Expressway-E " + m_settings.hostname + "." + m_settings.domain + " starting");
    if (m_settings.identity) {
        tls::ContextConfig server;
        server.role = tls::Role::Server;
        server.identities = {*m_settings.identity};
        server.trust_anchors = m_settings.trust_anchors;
        server.alpn = {"http/1.1"};
        server.key_log = m_settings.key_log;
        tls::ApplyPolicy(m_settings.tls, server);
        auto ctx = tls::Context::Create(server, *m_rng);
        if (ctx)
            m_server_ctx = *ctx;
        else
            Log("general", "TLS: server context failed: " + ctx.Message());
        tls::ContextConfig peer = server;
        peer.alpn.clear();
        peer.verify = tls::VerifyMode::Report; // asks for the client certificate
        auto pctx = tls::Context::Create(peer, *m_rng);
        if (pctx)
            m_peer_ctx = *pctx;
        else
            Log("general", "TLS: traversal context failed: " + pctx.Message());
    } else {
        Log("general", "no server certificate configured: web proxy, traversal and tunnel "
                       "services are not started");
    }

    auto listen = [&](const Endpoint& at, const std::string& what,
                      void (ExpresswayEApp::*accept)(std::unique_ptr<net::TcpStream>)) {
        auto l =
            net::TcpListener::Listen(node, at, [this, accept](std::unique_ptr<net::TcpStream> s) {
                (this->*accept)(std::move(s));
            });
        if (!l) {
            Log("general", what + ": cannot listen on " + at.ToString() + ": " + l.Message());
            return;
        }
        Log("general", log_lines::ListeningOnTcp::Format({what, at.ToString()}));
        m_listeners.push_back(std::move(*l));
    };

    if (m_server_ctx) {
        for (const Nic& n : m_settings.nics)
            listen(Endpoint{n.address, m_settings.web_proxy_port}, log_lines::kWebProxyService,
                   &ExpresswayEApp::AcceptProxy);
        if (m_settings.web_admin_port != m_settings.web_proxy_port)
            for (const Nic& n : m_settings.nics)
                listen(Endpoint{n.address, m_settings.web_admin_port}, "web administration",
                       &ExpresswayEApp::AcceptAdmin);
        else
            Log("general", "web administration shares port " +
                               std::to_string(m_settings.web_admin_port) +
                               " with the web proxy: not started");
    }
    if (m_peer_ctx && m_settings.traversal_zone) {
        const ExpresswayEServerZone& z = *m_settings.traversal_zone;
        for (const Nic& n : m_settings.nics)
            listen(Endpoint{n.address, z.port}, "traversal zone " + z.name,
                   &ExpresswayEApp::AcceptZone);
        const auto internal = IpAddress::Parse(InternalNicAddress());
        if (internal)
            listen(Endpoint{*internal, z.ssh_tunnel_port}, "tunnel", &ExpresswayEApp::AcceptTunnel);
    }
    StartTurn();
}

void ExpresswayEApp::StopApplication() {
    m_listeners.clear();
    m_proxy.clear();
    m_tunnels.clear();
    m_zones.clear();
    m_admin.clear();
    m_turn_tcp.clear();
    m_turn_udp.clear();
    m_relays.clear();
    m_turn_timer.reset();
    m_tunnel.reset();
}

void ExpresswayEApp::DoDispose() {
    StopApplication();
    ns3::Application::DoDispose();
}

std::unique_ptr<net::TlsStream>
ExpresswayEApp::AcceptTls(std::unique_ptr<net::TcpStream> tcp,
                          std::shared_ptr<const tls::Context> context, const std::string& service,
                          std::uint64_t id) {
    tls::EndpointOptions options;
    options.verify_time = net::WallClockSeconds(m_settings.epoch_unix_s);
    return net::TlsStream::Server(std::move(tcp), std::move(context), options,
                                  m_rng->Fork(service + ":" + std::to_string(id)));
}

// --- web proxy -------------------------------------------------------------------------

void ExpresswayEApp::AcceptProxy(std::unique_ptr<net::TcpStream> tcp) {
    const std::uint64_t id = m_next_id++;
    auto c = std::make_unique<ProxyConn>();
    c->peer = tcp->PeerEndpoint();
    c->tls = AcceptTls(std::move(tcp), m_server_ctx, "web-proxy", id);
    c->tls->SetOnData([this, id](const Bytes& data) { ProxyData(id, data); });
    c->tls->SetOnClosed(
        [this, id](const net::CloseInfo& info) { ProxyClosed(id, info.ToString()); });
    m_proxy[id] = std::move(c);
    ++m_counters.proxy_connections;
}

void ExpresswayEApp::ProxyData(std::uint64_t id, const Bytes& data) {
    auto it = m_proxy.find(id);
    if (it == m_proxy.end())
        return;
    ProxyConn& c = *it->second;
    if (c.state == ProxyConn::State::Relaying) {
        if (m_tunnel)
            m_tunnels[*m_tunnel]->tls->Send(EncodeMuxData(c.stream, data));
        return;
    }
    if (c.state != ProxyConn::State::Reading)
        return;
    c.buffered.insert(c.buffered.end(), data.begin(), data.end());
    c.parser.Receive(data);
    while (true) {
        http::Event e = c.parser.Next();
        if (std::holds_alternative<http::NeedData>(e) || std::holds_alternative<http::Paused>(e))
            return;
        if (auto* head = std::get_if<http::RequestHead>(&e)) {
            DecideProxy(c, *head);
            return;
        }
        if (auto* err = std::get_if<http::ProtocolError>(&e)) {
            Log("webproxy", "request from " + c.peer.ToString() + " refused: " + err->message);
            c.tls->Send(http::Serialize(http::ErrorResponse(err->status)));
            c.tls->Close();
            c.state = ProxyConn::State::Refused;
            return;
        }
        if (std::holds_alternative<http::ConnectionClosed>(e))
            return;
    }
}

void ExpresswayEApp::DecideProxy(ProxyConn& c, const http::RequestHead& head) {
    HostDecision d = m_policy.Check(head);
    if (d.accepted && !m_tunnel) {
        d.accepted = false;
        d.reason = "no tunnel to Expressway-C";
    }
    if (!d.accepted) {
        ++m_counters.proxy_refused;
        Log("webproxy", log_lines::RequestRefused::Format(
                            {head.method, head.target, d.host, c.peer.ToString(), d.reason}));
        c.tls->Send(HostPolicy::BadRequestBytes());
        c.tls->Close();
        c.state = ProxyConn::State::Refused;
        return;
    }
    ++m_counters.proxy_accepted;
    c.stream = m_next_stream++;
    c.state = ProxyConn::State::Relaying;
    std::uint64_t id = 0;
    for (auto& [pid, conn] : m_proxy)
        if (conn.get() == &c)
            id = pid;
    m_stream_to_proxy[c.stream] = id;
    const bool upgrade = head.headers.HasToken("Connection", "upgrade");
    Log("webproxy", std::string(upgrade ? "WebSocket upgrade" : "Request") +
                        " accepted: " + head.method + " " + head.target + " Host: " + d.host +
                        " from " + c.peer.ToString() + " -> tunnel stream " +
                        std::to_string(c.stream) + " to web bridge " + d.web_bridge);
    SendFrame(MuxFrame::MakeOpen(c.stream, "https", d.web_bridge));
    m_tunnels[*m_tunnel]->tls->Send(EncodeMuxData(c.stream, c.buffered));
    c.buffered.clear();
}

void ExpresswayEApp::ProxyClosed(std::uint64_t id, const std::string& why) {
    auto it = m_proxy.find(id);
    if (it == m_proxy.end())
        return;
    if (it->second->state == ProxyConn::State::Relaying) {
        SendFrame(MuxFrame::MakeClose(it->second->stream));
        m_stream_to_proxy.erase(it->second->stream);
    }
    (void)why;
    m_proxy.erase(it);
}

// --- tunnel ----------------------------------------------------------------------------

bool ExpresswayEApp::SendFrame(const MuxFrame& frame) {
    if (!m_tunnel)
        return false;
    auto bytes = EncodeMuxFrame(frame);
    if (!bytes)
        return false;
    m_tunnels[*m_tunnel]->tls->Send(*bytes);
    return true;
}

void ExpresswayEApp::AcceptTunnel(std::unique_ptr<net::TcpStream> tcp) {
    const std::uint64_t id = m_next_id++;
    auto c = std::make_unique<TunnelConn>();
    c->peer = tcp->PeerEndpoint();
    c->tls = AcceptTls(std::move(tcp), m_peer_ctx, "tunnel", id);
    c->tls->SetOnHandshakeDone([this, id](const net::TlsSessionInfo&) { TunnelHandshake(id); });
    c->tls->SetOnData([this, id](const Bytes& data) { TunnelData(id, data); });
    c->tls->SetOnClosed(
        [this, id](const net::CloseInfo& info) { TunnelClosed(id, info.ToString()); });
    m_tunnels[id] = std::move(c);
    ++m_counters.tunnel_connections;
}

void ExpresswayEApp::TunnelHandshake(std::uint64_t id) {
    auto it = m_tunnels.find(id);
    if (it == m_tunnels.end())
        return;
    TunnelConn& c = *it->second;
    const net::TlsSessionInfo& s = c.tls->Session();
    const std::string subject_name =
        m_settings.traversal_zone ? m_settings.traversal_zone->tls_verify_subject_name : "";
    const PeerCertificateInfo peer =
        InspectClientCertificate(s.peer_certificate ? &*s.peer_certificate : nullptr,
                                 s.handshake.verify_result == 0, subject_name);
    if (!peer.present || !peer.chain_ok || !peer.name_matches) {
        const std::string why = !peer.present    ? "no client certificate"
                                : !peer.chain_ok ? "untrusted client certificate " + peer.subject
                                                 : "client certificate " + peer.subject +
                                                       " does not match " + subject_name;
        Log("tunnel", "tunnel from " + c.peer.ToString() + " refused: " + why);
        m_tunnel_reason = why;
        m_tunnels.erase(it);
        return;
    }
    if (m_tunnel && *m_tunnel != id) {
        Log("tunnel", "a new tunnel from " + c.peer.ToString() + " replaces the previous one");
        const std::uint64_t old = *m_tunnel;
        m_tunnel.reset();
        m_tunnels.erase(old);
    }
    c.accepted = true;
    m_tunnel = id;
    m_tunnel_state = "Active";
    m_tunnel_reason.clear();
    m_tunnel_peer = c.peer.ToString();
    Log("tunnel",
        "tunnel from Expressway-C " + c.peer.ToString() + " (" + peer.subject + ") established");
}

void ExpresswayEApp::TunnelData(std::uint64_t id, const Bytes& data) {
    auto it = m_tunnels.find(id);
    if (it == m_tunnels.end() || !it->second->accepted)
        return;
    TunnelConn& c = *it->second;
    c.decoder.Feed(data);
    while (true) {
        auto next = c.decoder.Next();
        if (!next) {
            Log("tunnel",
                "tunnel from " + c.peer.ToString() + ": " + next.Message() + "; closing it");
            TunnelClosed(id, next.Message());
            return;
        }
        if (!next->has_value())
            return;
        TunnelFrame(**next);
        if (!m_tunnels.count(id))
            return;
    }
}

void ExpresswayEApp::TunnelFrame(const MuxFrame& f) {
    switch (f.type) {
    case MuxFrameType::WebBridges: {
        const auto ignored = m_policy.SetWebBridges(f.urls);
        std::string list;
        for (const WebBridgeName& n : m_policy.WebBridges())
            list += (list.empty() ? "" : ", ") + n.host;
        Log("webproxy", "web bridge URLs from Expressway-C: " + (list.empty() ? "none" : list));
        for (const std::string& u : ignored)
            Log("webproxy", "ignored web bridge URL '" + u + "'");
        return;
    }
    case MuxFrameType::Keepalive:
        if (!f.pong)
            SendFrame(MuxFrame::MakeKeepalive(true));
        return;
    case MuxFrameType::Open:
        SendFrame(MuxFrame::MakeReset(f.stream, "Expressway-E opens no streams on request"));
        return;
    case MuxFrameType::Data:
    case MuxFrameType::Close:
    case MuxFrameType::Reset: {
        auto s = m_stream_to_proxy.find(f.stream);
        if (s == m_stream_to_proxy.end())
            return;
        auto p = m_proxy.find(s->second);
        if (p == m_proxy.end())
            return;
        if (f.type == MuxFrameType::Data) {
            p->second->tls->Send(f.data);
            return;
        }
        if (f.type == MuxFrameType::Reset)
            Log("webproxy", "tunnel stream " + std::to_string(f.stream) +
                                " reset by "
                                "Expressway-C: " +
                                f.reason);
        m_stream_to_proxy.erase(s);
        if (f.type == MuxFrameType::Close)
            p->second->tls->Close();
        else
            p->second->tls->Abort();
        m_proxy.erase(p);
        return;
    }
    }
}

void ExpresswayEApp::TunnelClosed(std::uint64_t id, const std::string& why) {
    auto it = m_tunnels.find(id);
    if (it == m_tunnels.end())
        return;
    const bool was_active = m_tunnel && *m_tunnel == id;
    m_tunnels.erase(it);
    if (!was_active)
        return;
    m_tunnel.reset();
    m_tunnel_state = "Failed";
    m_tunnel_reason = "tunnel closed: " + why;
    Log("tunnel", "tunnel to Expressway-C closed: " + why);
    m_policy.SetWebBridges({});
    std::vector<std::uint64_t> relaying;
    for (auto& [pid, conn] : m_proxy)
        if (conn->state == ProxyConn::State::Relaying)
            relaying.push_back(pid);
    for (std::uint64_t pid : relaying) {
        m_proxy[pid]->tls->Abort();
        m_proxy.erase(pid);
    }
    m_stream_to_proxy.clear();
}

// --- traversal zone --------------------------------------------------------------------

void ExpresswayEApp::AcceptZone(std::unique_ptr<net::TcpStream> tcp) {
    const std::uint64_t id = m_next_id++;
    auto c = std::make_unique<ZoneConn>();
    c->peer = tcp->PeerEndpoint();
    c->tls = AcceptTls(std::move(tcp), m_peer_ctx, "zone", id);
    ++m_counters.traversal_connections;
    c->tls->SetOnHandshakeDone([this, id](const net::TlsSessionInfo& s) {
        auto it = m_zones.find(id);
        if (it == m_zones.end())
            return;
        const ExpresswayEServerZone& z = *m_settings.traversal_zone;
        TraversalServerConfig config;
        config.zone_name = z.name;
        config.username = z.username;
        config.local_users = m_settings.local_users;
        config.tls_verify_subject_name = z.tls_verify_subject_name;
        it->second->auth = std::make_unique<TraversalAuthServer>(
            config,
            InspectClientCertificate(s.peer_certificate ? &*s.peer_certificate : nullptr,
                                     s.handshake.verify_result == 0, z.tls_verify_subject_name),
            m_rng->Fork("zone-auth:" + std::to_string(id)));
    });
    c->tls->SetOnData([this, id](const Bytes& data) {
        auto it = m_zones.find(id);
        if (it == m_zones.end() || !it->second->auth)
            return;
        ZoneConn& z = *it->second;
        TraversalStep step = z.auth->Feed(data);
        for (const std::string& line : step.log)
            Log("traversal", log_lines::TraversalFromPeer::Format({line, z.peer.ToString()}));
        if (!step.send.empty())
            z.tls->Send(step.send);
        if (step.outcome == TraversalOutcome::Authenticated) {
            m_zone_state = "Active";
            m_zone_reason.clear();
            m_zone_peer = z.peer.ToString();
        } else if (step.outcome == TraversalOutcome::Rejected) {
            m_zone_state = "Failed";
            m_zone_reason = z.auth->Reason();
            m_zone_peer = z.peer.ToString();
        }
        if (step.close) {
            z.tls->Close();
            m_zones.erase(it);
        }
    });
    c->tls->SetOnClosed([this, id](const net::CloseInfo& info) {
        auto it = m_zones.find(id);
        if (it == m_zones.end())
            return;
        if (it->second->auth && it->second->auth->Outcome() == TraversalOutcome::Authenticated) {
            m_zone_state = "Failed";
            m_zone_reason = "connection closed: " + info.ToString();
            Log("traversal", "traversal zone connection from " + it->second->peer.ToString() +
                                 " closed: " + info.ToString());
        }
        m_zones.erase(it);
    });
    m_zones[id] = std::move(c);
}

// --- TURN ------------------------------------------------------------------------------

void ExpresswayEApp::StartTurn() {
    const ExpresswayETurn& t = m_settings.turn;
    if (!t.enabled) {
        Log("turn", log_lines::TurnServicesOff::Format({}));
        return;
    }
    turn::ServerConfig config;
    config.realm = t.realm;
    config.users = m_settings.local_users;
    config.min_port = t.min_port;
    config.max_port = t.max_port;
    config.relay_capacity = t.relay_capacity;
    config.per_user_quota = t.per_user_quota;
    const Nic* external = nullptr;
    for (const Nic& n : m_settings.nics)
        if (n.name == m_settings.external_nic)
            external = &n;
    if (!external && !m_settings.nics.empty())
        external = &m_settings.nics.back();
    if (!external) {
        Log("turn", "no interface for relays: TURN not started");
        return;
    }
    config.relays.push_back(turn::RelayAddress{
        external->address, m_settings.static_nat_address.value_or(external->address)});
    m_turn = std::make_unique<turn::Server>(config, m_rng->Fork("turn-server"));
    m_turn_timer = std::make_unique<net::Timer>();
    ns3::Ptr<ns3::Node> node = GetNode();
    for (const Nic& n : m_settings.nics) {
        const Endpoint at{n.address, t.port};
        auto udp = net::UdpPort::Bind(node, at);
        if (udp) {
            (*udp)->SetOnDatagram([this](const Endpoint& from, const Endpoint& to, const Bytes& d) {
                m_turn->HandleClientInput(turn::FiveTuple{turn::Transport::Udp, from, to}, d,
                                          net::SimNow());
                PumpTurn();
            });
            m_turn_udp.push_back(std::move(*udp));
            m_turn_listening.udp.push_back(at);
        } else {
            Log("turn", "cannot listen on UDP " + at.ToString() + ": " + udp.Message());
        }
        auto tcp = net::TcpListener::Listen(
            node, at, [this](std::unique_ptr<net::TcpStream> s) { AcceptTurnTcp(std::move(s)); });
        if (tcp) {
            m_listeners.push_back(std::move(*tcp));
            m_turn_listening.tcp.push_back(at);
        } else {
            Log("turn", "cannot listen on TCP " + at.ToString() + ": " + tcp.Message());
        }
        Log("turn", "TURN server listening on " + at.ToString() + " (UDP and TCP)");
    }
    Log("turn", log_lines::TurnRelays::Format({external->address.ToString(), t.min_port, t.max_port,
                                               config.relays[0].advertised.ToString(), t.realm}));
}

void ExpresswayEApp::AcceptTurnTcp(std::unique_ptr<net::TcpStream> tcp) {
    const Endpoint client = tcp->PeerEndpoint();
    const Endpoint server = tcp->LocalEndpoint();
    const auto key = std::make_pair(client, server);
    tcp->SetOnData([this, client, server](const Bytes& d) {
        m_turn->HandleClientInput(turn::FiveTuple{turn::Transport::Tcp, client, server}, d,
                                  net::SimNow());
        PumpTurn();
    });
    tcp->SetOnClosed([this, key](const net::CloseInfo&) {
        m_turn->HandleConnectionClosed(turn::FiveTuple{turn::Transport::Tcp, key.first, key.second},
                                       net::SimNow());
        m_turn_tcp.erase(key);
        PumpTurn();
    });
    m_turn_tcp[key] = std::move(tcp);
}

void ExpresswayEApp::OpenRelay(const Endpoint& relay) {
    auto port = net::UdpPort::Bind(GetNode(), relay);
    if (!port) {
        Log("turn", "cannot open relay " + relay.ToString() + ": " + port.Message());
        return;
    }
    (*port)->SetOnDatagram([this, relay](const Endpoint& from, const Endpoint&, const Bytes& d) {
        m_turn->HandlePeerInput(relay, from, d, net::SimNow());
        PumpTurn();
    });
    m_relays[relay] = std::move(*port);
}

void ExpresswayEApp::PumpTurn() {
    if (!m_turn)
        return;
    while (auto t = m_turn->PollTransmit()) {
        if (t->transport == turn::Transport::Tcp) {
            auto it = m_turn_tcp.find(std::make_pair(t->to, t->from));
            if (it != m_turn_tcp.end())
                it->second->Send(t->data);
            continue;
        }
        auto relay = m_relays.find(t->from);
        if (relay != m_relays.end()) {
            relay->second->SendTo(t->to, t->data);
            continue;
        }
        for (auto& port : m_turn_udp)
            if (port->LocalEndpoint() == t->from)
                port->SendTo(t->to, t->data);
    }
    namespace se = turn::server_event;
    while (auto e = m_turn->PollEvent()) {
        if (auto line = expressway::TurnEventLine(*e))
            Log("turn", *line);
        // What the driver does besides logging: the relay sockets and broken TCP streams.
        if (const auto* opened = std::get_if<se::RelayOpened>(&*e)) {
            OpenRelay(opened->relay);
        } else if (const auto* closed = std::get_if<se::RelayClosed>(&*e)) {
            m_relays.erase(closed->relay);
        } else if (const auto* broken = std::get_if<se::StreamError>(&*e)) {
            auto it = m_turn_tcp.find(std::make_pair(broken->tuple.client, broken->tuple.server));
            if (it != m_turn_tcp.end()) {
                it->second->Abort();
                m_turn_tcp.erase(it);
            }
        }
    }
    m_turn_timer->Arm(m_turn->NextTimeout(), [this](Instant now) {
        m_turn->HandleTimeout(now);
        PumpTurn();
    });
}

// --- web administration ----------------------------------------------------------------

void ExpresswayEApp::AcceptAdmin(std::unique_ptr<net::TcpStream> tcp) {
    const std::uint64_t id = m_next_id++;
    auto c = std::make_unique<AdminConn>();
    c->tls = AcceptTls(std::move(tcp), m_server_ctx, "admin", id);
    c->tls->SetOnData([this, id](const Bytes& data) {
        auto it = m_admin.find(id);
        if (it == m_admin.end())
            return;
        AdminConn& a = *it->second;
        a.parser.Receive(data);
        while (true) {
            http::Event e = a.parser.Next();
            if (std::holds_alternative<http::NeedData>(e) ||
                std::holds_alternative<http::Paused>(e))
                return;
            if (std::holds_alternative<http::EndOfMessage>(e)) {
                ++m_counters.admin_requests;
                http::Response r;
                const std::string body = "<html><head><title>" + m_settings.hostname +
                                         "</title></head><body><h1>Expressway-E " +
                                         m_settings.hostname + "." + m_settings.domain +
                                         "</h1><p>Administrator login</p></body></html>\r\n";
                r.headers.Add("Content-Type", "text/html");
                r.headers.Add("Connection", "close");
                r.body.assign(body.begin(), body.end());
                a.tls->Send(http::Serialize(r));
                a.tls->Close();
                m_admin.erase(it);
                return;
            }
            if (auto* err = std::get_if<http::ProtocolError>(&e)) {
                a.tls->Send(http::Serialize(http::ErrorResponse(err->status)));
                a.tls->Close();
                m_admin.erase(it);
                return;
            }
        }
    });
    c->tls->SetOnClosed([this, id](const net::CloseInfo&) { m_admin.erase(id); });
    m_admin[id] = std::move(c);
}

// --- status ----------------------------------------------------------------------------

nlohmann::json ExpresswayEApp::Status() const {
    nlohmann::json j;
    j["system_name"] = m_settings.hostname + "." + m_settings.domain;
    if (m_turn) {
        const turn::ServerCounters counters = m_turn->Counters();
        j["turn"] = TurnStatusJson(true, m_settings.turn.realm, m_turn_listening, counters,
                                   m_turn->Allocations());
        // The limits only when set, so a box without them shows the page it always did.
        if (m_settings.turn.relay_capacity || m_settings.turn.per_user_quota)
            j["turn"]["limits"] = TurnLimitsJson(m_turn->Config(), counters);
    } else
        j["turn"] = {{"services", "Off"}};
    nlohmann::json bridges = nlohmann::json::array();
    for (const WebBridgeName& n : m_policy.WebBridges())
        bridges.push_back(n.host);
    j["tunnel"] = {{"state", m_tunnel_state}, {"peer", m_tunnel_peer}, {"web_bridges", bridges}};
    if (!m_tunnel_reason.empty())
        j["tunnel"]["reason"] = m_tunnel_reason;
    if (m_settings.traversal_zone) {
        j["traversal_zone"] = {{"name", m_settings.traversal_zone->name},
                               {"state", m_zone_state},
                               {"peer", m_zone_peer}};
        if (!m_zone_reason.empty())
            j["traversal_zone"]["reason"] = m_zone_reason;
    }
    j["web_proxy"] = {{"connections", m_counters.proxy_connections},
                      {"accepted", m_counters.proxy_accepted},
                      {"refused_400", m_counters.proxy_refused}};
    return nlohmann::json{{"expressway_e", j}};
}

} // namespace cmslab::expressway
