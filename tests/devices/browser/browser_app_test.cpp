// The browser on the simulated reference network, against scripted peers on the
// Expressway-E box: the scenario's external DNS, an HTTPS server speaking the web app
// protocol (page, join form, signaling) and a TURN server with its relays, and on the
// CMS box the CMS's side of the call (its own relay, ICE, DTLS client, SRTP), each set up
// to answer as a healthy or a misconfigured deployment would. Judged by the stages and
// the guest's screen.
#include "browser/browser_app.h"
#include "media/media_session.h"
#include "webapp/ice_candidates.h"

#include "box_log.h"
#include "dns_resolver.h"
#include "http_server_session.h"
#include "reference_network.h"
#include "scripted_media_peer.h"
#include "sim_time.h"
#include "tcp_listener.h"
#include "tls_stream.h"
#include "udp_port.h"
#include "websocket_session.h"
#include "world.h"

#include "pki/certificate_authority.h"
#include "tls/context.h"
#include "turn/server.h"
#include "webapp/guest_join.h"
#include "webapp/meeting_page.h"
#include "webapp/paths.h"
#include "webapp/signaling.h"

#include "ns3/node.h"
#include "support/values.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

namespace cmslab::browser::test {
namespace {

using namespace std::chrono_literals;
using devices::net::HttpResponder;
using devices::net::HttpServerSession;
using devices::net::TcpListener;
using devices::net::TcpStream;
using devices::net::TlsStream;
using devices::net::UdpPort;
using devices::net::WebSocketSession;
using outcome::Screen;
using outcome::Stage;
using outcome::StageStatus;

using cmslab::testkit::Ip;

struct LabPki {
    LabPki() : rng(Rng(42).Fork("pki")) {
        pki::CaProfile ca_profile;
        ca_profile.subject.common_name = "Lab Root CA";
        ca_profile.not_before = *pki::ParseUtc("2016-01-01T00:00:00Z");
        ca_profile.not_after = *pki::ParseUtc("2030-01-01T00:00:00Z");
        ca.emplace(*pki::CertificateAuthority::CreateRoot(ca_profile, rng));
        pki::CertificateProfile p;
        p.subject.common_name = "vcse.octavio.com";
        p.not_before = *pki::ParseUtc("2017-01-01T00:00:00Z");
        p.not_after = *pki::ParseUtc("2019-01-01T00:00:00Z");
        p.dns_names = {"vcse.octavio.com", "cmsweb.octavio.com"};
        with_web_bridge = *ca->Issue(p, rng);
        p.dns_names = {"vcse.octavio.com", "vcsc.octavio.local"};
        without_web_bridge = *ca->Issue(p, rng);
    }
    Rng rng;
    std::optional<pki::CertificateAuthority> ca;
    pki::Identity with_web_bridge;
    pki::Identity without_web_bridge;
};

class ScriptedCmsMedia;

// How the scripted web bridge (behind Expressway-E) answers.
struct WebBridgeScript {
    int page_status = 200;
    bool join_call = true;
    std::string passcode; // what the space wants
    std::string turn_password = "cisco";
    ScriptedCmsMedia* media = nullptr; // the CMS's side of the call, if any
};

void StartCmsMedia(ScriptedCmsMedia* media, WebSocketSession* ws);
void ForwardToCmsMedia(ScriptedCmsMedia* media, const webapp::SignalingMessage& message);

// HTTPS on Expressway-E's DMZ address (the NAT maps the public one to it), answering as
// the web bridge would through the proxy.
class ScriptedWebBridge {
  public:
    ScriptedWebBridge(ns3::Ptr<ns3::Node> node, const pki::Identity& identity,
                      WebBridgeScript script)
        : m_script(std::move(script)), m_rng(5) {
        tls::ContextConfig config;
        config.role = tls::Role::Server;
        config.identities = {identity};
        config.alpn = {"http/1.1"};
        Rng rng(6);
        m_context = *tls::Context::Create(config, rng);
        auto listener =
            TcpListener::Listen(node, Endpoint{Ip("192.168.245.61"), 443},
                                [this](std::unique_ptr<TcpStream> tcp) { Accept(std::move(tcp)); });
        EXPECT_TRUE(listener) << listener.Message();
        if (listener)
            m_listener = std::move(*listener);
    }

    std::vector<std::string> requests;
    std::vector<std::string> signaling;

  private:
    void Accept(std::unique_ptr<TcpStream> tcp) {
        const int id = m_next++;
        auto tls = TlsStream::Server(std::move(tcp), m_context, {}, m_rng.Fork(std::to_string(id)));
        auto session = std::make_unique<HttpServerSession>(
            std::move(tls), [this](http::Request request, HttpResponder responder) {
                Handle(std::move(request), std::move(responder));
            });
        session->SetOnClosed([this, id](const devices::net::CloseInfo&) { m_sessions.erase(id); });
        m_sessions[id] = std::move(session);
    }

    static http::Response Answer(int status, const char* type, const std::string& body) {
        http::Response response;
        response.status = status;
        response.headers.Add("Content-Type", type);
        response.body.assign(body.begin(), body.end());
        return response;
    }

    void Handle(http::Request request, HttpResponder responder) {
        requests.push_back(request.method + " " + request.target);
        const std::string body(request.body.begin(), request.body.end());
        if (responder.IsUpgradeRequest()) {
            auto ws = responder.AcceptWebSocket({webapp::kSignalingProtocol});
            if (!ws)
                return;
            WebSocketSession* raw = ws.get();
            ws->SetOnMessage([this, raw](const devices::net::WebSocketMessage& m) {
                signaling.push_back(m.text);
                auto message = webapp::DecodeSignaling(m.text);
                if (message && std::holds_alternative<webapp::JoinMessage>(*message)) {
                    webapp::JoinedMessage joined;
                    joined.space_name = "Proxy webRTC";
                    joined.space_id = "2aa16ccc-87d1-424d-9d3d-3d007f23243a";
                    joined.participant_id = "p1";
                    joined.participants = {{"p1", "Guest"}};
                    joined.ice_servers = {webapp::TurnIceServer("10.88.246.156", 3478, "turnuser",
                                                                m_script.turn_password)};
                    raw->Send(webapp::EncodeSignaling(joined));
                    raw->Send(webapp::EncodeSignaling(
                        webapp::IceParametersMessage{"cmsu", "cmspassword0123456789ab"}));
                    if (m_script.media)
                        StartCmsMedia(m_script.media, raw);
                } else if (message && m_script.media) {
                    ForwardToCmsMedia(m_script.media, *message);
                }
            });
            m_ws.push_back(std::move(ws));
            return;
        }
        if (request.target == webapp::kPagePath) {
            if (m_script.page_status != 200) {
                responder.Respond(Answer(m_script.page_status, "text/html",
                                         "<html><head><title>Bad Request</title></head><body>"
                                         "<h1>Bad Request</h1></body></html>"));
                return;
            }
            webapp::PageOptions page;
            page.join_call = m_script.join_call;
            responder.Respond(
                Answer(200, webapp::kHtmlContentType, webapp::RenderMeetingPage(page)));
            return;
        }
        const bool lookup = request.target == webapp::kCallLookupPath;
        std::string call_id, passcode;
        if (lookup) {
            auto r = webapp::DecodeCallLookupRequest(body);
            if (r) {
                call_id = r->call_id;
                passcode = r->passcode;
            }
        } else {
            auto r = webapp::DecodeGuestLoginRequest(body);
            if (r) {
                call_id = r->call_id;
                passcode = r->passcode;
            }
        }
        if (call_id != "100101" || passcode != m_script.passcode) {
            auto refused = webapp::JoinRefused(webapp::JoinError::CallNotRecognized);
            responder.Respond(
                Answer(403, webapp::kJsonContentType, webapp::EncodeJoinAnswer(refused)));
            return;
        }
        webapp::JoinAnswer answer;
        answer.space_name = "Proxy webRTC";
        answer.call_id = call_id;
        if (!lookup) {
            answer.guest_jid = "guest1@cms.octavio.local";
            answer.session = "s1";
            answer.signaling_url = webapp::SignalingTarget("s1");
        }
        responder.Respond(Answer(200, webapp::kJsonContentType, webapp::EncodeJoinAnswer(answer)));
    }

    WebBridgeScript m_script;
    Rng m_rng;
    std::shared_ptr<tls::Context> m_context;
    std::unique_ptr<TcpListener> m_listener;
    int m_next = 0;
    std::map<int, std::unique_ptr<HttpServerSession>> m_sessions;
    std::vector<std::unique_ptr<WebSocketSession>> m_ws;
};

// The TURN server of Expressway-E on its DMZ address: relays advertised on the NAT address.
class ScriptedTurn {
  public:
    ScriptedTurn(ns3::Ptr<ns3::Node> node, const std::string& password) : m_node(node) {
        turn::ServerConfig config;
        config.realm = "turnuser";
        config.users = {{"turnuser", password}};
        config.relays = {{Ip("192.168.245.61"), Ip("10.88.246.156")}};
        m_server = std::make_unique<turn::Server>(config, Rng(9));
        m_port = std::move(*UdpPort::Bind(node, Endpoint{Ip("192.168.245.61"), 3478}));
        m_port->SetOnDatagram([this](const Endpoint& from, const Endpoint& to, const Bytes& data) {
            m_server->HandleClientInput(turn::FiveTuple{turn::Transport::Udp, from, to}, data,
                                        devices::net::SimNow());
            Pump();
        });
    }

  private:
    void Pump() {
        while (auto e = m_server->PollEvent()) {
            if (const auto* opened = std::get_if<turn::server_event::RelayOpened>(&*e)) {
                auto port = UdpPort::Bind(m_node, opened->relay);
                if (!port)
                    continue;
                const Endpoint relay = opened->relay;
                (*port)->SetOnDatagram(
                    [this, relay](const Endpoint& from, const Endpoint&, const Bytes& data) {
                        m_server->HandlePeerInput(relay, from, data, devices::net::SimNow());
                        Pump();
                    });
                m_relays[relay] = std::move(*port);
            }
        }
        while (auto t = m_server->PollTransmit()) {
            auto relay = m_relays.find(t->from);
            if (relay != m_relays.end())
                relay->second->SendTo(t->to, t->data);
            else
                m_port->SendTo(t->to, t->data);
        }
    }

    ns3::Ptr<ns3::Node> m_node;
    std::unique_ptr<turn::Server> m_server;
    std::unique_ptr<UdpPort> m_port;
    std::map<Endpoint, std::unique_ptr<UdpPort>> m_relays;
};

// The CMS's side of the call, scripted, on the CMS node: its own allocation at the
// TURN server above, ICE (controlled) on that relay, DTLS as the client, SRTP and 20 ms
// RTP once DTLS is done. It signals through the scripted web bridge: its relayed
// candidate, end-of-candidates and a `dtls` fingerprint (its own, or a wrong one).
struct CmsMediaScript {
    bool announce_own_fingerprint = true;
    bool send_rtp = true;
};

class ScriptedCmsMedia {
  public:
    ScriptedCmsMedia(ns3::Ptr<ns3::Node> node, CmsMediaScript script)
        : m_script(script), m_rng(31), m_turn(TurnConfig(), m_rng.Fork("turn")),
          m_ice(IceConfig(), m_rng.Fork("ice")) {
        identity = cmslab::test::SelfSigned(m_rng, "cms-dtls");
        m_context = cmslab::test::DtlsContext(tls::Role::Client, identity, 32);
        m_port = std::move(*UdpPort::Bind(node, Endpoint{Ip("172.16.85.180"), 0}));
        m_port->SetOnDatagram([this](const Endpoint& from, const Endpoint&, const Bytes& data) {
            if (from == TurnConfig().server)
                m_turn.HandleInput(data, from, devices::net::SimNow());
            Pump();
        });
    }

    static ice::Credentials Credentials() { return {"cmsu", "cmspassword0123456789ab"}; }

    // The guest joined: allocate; what to tell the browser goes through `signal`.
    void Start(std::function<void(const webapp::SignalingMessage&)> signal) {
        m_signal = std::move(signal);
        m_turn.Allocate(devices::net::SimNow());
        Pump();
    }

    // The browser's ice-parameters, candidate and dtls messages.
    void OnSignaling(const webapp::SignalingMessage& m) {
        const Instant now = devices::net::SimNow();
        if (auto p = std::get_if<webapp::IceParametersMessage>(&m)) {
            m_ice.SetRemoteCredentials(ice::Credentials{p->ufrag, p->pwd});
        } else if (auto c = std::get_if<webapp::CandidateMessage>(&m)) {
            if (auto candidate = webapp::ToIceCandidate(*c))
                m_ice.AddRemoteCandidate(*candidate, now);
        } else if (auto d = std::get_if<webapp::DtlsMessage>(&m)) {
            m_browser_fingerprint =
                pki::Fingerprint::ParseSdp(d->hash_function + " " + d->fingerprint);
        }
        Pump();
    }

    pki::Identity identity;
    std::unique_ptr<tls::DtlsEndpoint> dtls;
    std::size_t rtp_sent = 0;
    std::size_t rtp_received = 0;

  private:
    static turn::ClientConfig TurnConfig() {
        turn::ClientConfig c;
        c.server = Endpoint{Ip("192.168.245.61"), 3478};
        c.username = "turnuser";
        c.password = "cisco";
        return c;
    }
    static ice::AgentConfig IceConfig() {
        ice::AgentConfig c;
        c.role = ice::Role::Controlled;
        c.local = Credentials();
        return c;
    }

    void Pump() {
        const Instant now = devices::net::SimNow();
        for (int round = 0; round < 8; ++round) {
            bool progress = false;
            while (auto e = m_turn.PollEvent()) {
                progress = true;
                if (const auto* allocated = std::get_if<turn::client_event::AllocateSuccess>(&*e))
                    OnRelay(*allocated, now);
                else if (const auto* data = std::get_if<turn::client_event::Data>(&*e))
                    OnPeerData(data->peer, data->data, now);
            }
            while (auto t = m_ice.PollTransmit()) {
                progress = true;
                // The browser's candidate may come before the allocation is done.
                if (m_permitted.insert(t->to.address).second)
                    m_turn.CreatePermission(t->to.address, now);
                m_turn.Send(t->to, t->data, now);
            }
            while (auto e = m_ice.PollEvent()) {
                progress = true;
                const auto* selected = std::get_if<ice::agent_event::SelectedPair>(&*e);
                if (selected && !m_peer) {
                    m_peer = selected->remote.address;
                    StartDtls(now);
                }
            }
            if (dtls)
                for (const auto& d : dtls->TakeOutput()) {
                    progress = true;
                    m_turn.Send(*m_peer, d, now);
                }
            while (auto t = m_turn.PollTransmit()) {
                progress = true;
                m_port->SendTo(t->to, t->data);
            }
            if (!progress)
                break;
        }
        std::optional<Instant> next = m_turn.NextTimeout();
        auto consider = [&next](std::optional<Instant> t) {
            if (t && (!next || *t < *next))
                next = t;
        };
        consider(m_ice.NextTimeout());
        if (dtls)
            consider(dtls->NextTimeout());
        consider(m_next_rtp);
        m_timer.Arm(next, [this](Instant at) { OnTimer(at); });
    }

    void OnTimer(Instant now) {
        if (auto t = m_turn.NextTimeout(); t && *t <= now)
            m_turn.HandleTimeout(now);
        if (auto t = m_ice.NextTimeout(); t && *t <= now)
            m_ice.HandleTimeout(now);
        if (dtls)
            if (auto t = dtls->NextTimeout(); t && *t <= now)
                Note(dtls->HandleTimeout(now));
        if (m_next_rtp && *m_next_rtp <= now) {
            SendRtp(now);
            *m_next_rtp += 20ms;
        }
        Pump();
    }

    void OnRelay(const turn::client_event::AllocateSuccess& e, Instant now) {
        const auto local = ice::MakeRelayedCandidate(e.relayed, e.mapped, Ip("192.168.245.61"));
        m_ice.AddLocalCandidate(local, now);
        m_ice.SetLocalEndOfCandidates(now);
        m_ice.Start(now);
        webapp::CandidateMessage c;
        c.foundation = local.foundation;
        c.priority = local.priority;
        c.address = local.address.address.ToString();
        c.port = local.address.port;
        c.type = ice::CandidateType::Relayed;
        m_signal(c);
        m_signal(webapp::EndOfCandidatesMessage{});
        Rng other_rng(33);
        const pki::Identity other = cmslab::test::SelfSigned(other_rng, "someone-else");
        const auto& announced = m_script.announce_own_fingerprint ? identity : other;
        m_signal(webapp::DtlsMessage{
            "sha-256", announced.certificate.ComputeFingerprint("sha-256").HexWithColons(),
            webapp::DtlsSetup::Active});
    }

    void StartDtls(Instant now) {
        if (!m_browser_fingerprint)
            return;
        tls::EndpointOptions o;
        o.peer_fingerprint = m_browser_fingerprint;
        o.link_mtu = 1496;
        dtls = std::make_unique<tls::DtlsEndpoint>(m_context, o, m_rng.Fork("dtls"));
        Note(dtls->Start(now));
    }

    void Note(const tls::FeedResult&) {
        if (dtls->Established() && !m_srtp && dtls->SrtpKeys()) {
            const auto& k = *dtls->SrtpKeys();
            auto session = srtp::Session::Create({k.client_write_key, k.client_write_salt},
                                                 {k.server_write_key, k.server_write_salt});
            m_srtp.emplace(std::move(*session));
            if (m_script.send_rtp)
                m_next_rtp = devices::net::SimNow();
        }
    }

    void OnPeerData(const Endpoint& peer, const Bytes& data, Instant now) {
        switch (stun::Classify(data)) {
        case stun::PacketKind::Stun:
            m_ice.HandleInput(m_turn.RelayedAddress(), peer, data, now);
            break;
        case stun::PacketKind::Dtls:
            if (dtls)
                Note(dtls->Feed(data, now));
            break;
        case stun::PacketKind::Rtp:
            if (m_srtp && m_srtp->inbound.UnprotectRtp(data))
                ++rtp_received;
            break;
        default:
            break;
        }
    }

    void SendRtp(Instant now) {
        rtp::RtpPacket p;
        p.payload_type = 111;
        p.sequence = static_cast<std::uint16_t>(rtp_sent);
        p.timestamp = static_cast<std::uint32_t>(rtp_sent * 960);
        p.ssrc = 0xc0ffee;
        p.payload.assign(60, 0x5a);
        auto wire = m_srtp->outbound.ProtectRtp(*rtp::EncodeRtp(p));
        if (wire && m_peer && m_turn.Send(*m_peer, *wire, now))
            ++rtp_sent;
    }

    CmsMediaScript m_script;
    Rng m_rng;
    turn::Client m_turn;
    ice::Agent m_ice;
    std::shared_ptr<tls::Context> m_context;
    std::unique_ptr<UdpPort> m_port;
    std::function<void(const webapp::SignalingMessage&)> m_signal;
    std::optional<pki::Fingerprint> m_browser_fingerprint;
    std::optional<Endpoint> m_peer;
    std::set<IpAddress> m_permitted;
    std::optional<srtp::Session> m_srtp;
    std::optional<Instant> m_next_rtp;
    devices::net::Timer m_timer;
};

void StartCmsMedia(ScriptedCmsMedia* media, WebSocketSession* ws) {
    media->Start([ws](const webapp::SignalingMessage& m) { ws->Send(webapp::EncodeSignaling(m)); });
}

void ForwardToCmsMedia(ScriptedCmsMedia* media, const webapp::SignalingMessage& message) {
    media->OnSignaling(message);
}

class BrowserAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        network::BuildOptions options; // no files: logs in memory
        auto world = network::World::Build(network::test::ReferenceNetwork(), options);
        ASSERT_TRUE(world) << world.Message();
        m_world = std::move(*world);
        auto dns = m_world->StartDnsServers();
        ASSERT_TRUE(dns) << dns.Message();
        m_resolver = m_world->MakeResolver("guest-pc");
    }
    void TearDown() override {
        m_browser.reset();
        m_cms_media.reset();
        m_bridge.reset();
        m_turn.reset();
        m_resolver.reset();
        m_world.reset();
    }

    void Serve(WebBridgeScript script, bool san_ok = true, bool turn = true) {
        const std::string password = script.turn_password;
        script.media = m_cms_media.get();
        m_bridge = std::make_unique<ScriptedWebBridge>(
            m_world->GetNode("vcse"), san_ok ? m_pki.with_web_bridge : m_pki.without_web_bridge,
            std::move(script));
        if (turn)
            m_turn = std::make_unique<ScriptedTurn>(m_world->GetNode("vcse"), "cisco");
    }

    void Browse(const std::string& host = "cmsweb.octavio.com") {
        BrowserSetup setup;
        setup.node = m_world->GetNode("guest-pc");
        setup.resolver = m_resolver.get();
        setup.trusted_cas = {m_pki.ca->Cert()};
        setup.epoch_unix_s = m_world->EpochUnixSeconds();
        setup.log = m_world->Log("guest-pc");
        setup.rng = m_world->ForkRng("guest");
        setup.script.url = "https://" + host;
        setup.script.host = host;
        setup.script.call_id = "100101";
        setup.script.display_name = "Guest";
        setup.script.ice_ufrag = "abcd";
        setup.script.ice_pwd = "0123456789abcdefghijkl";
        auto browser = BrowserApp::Create(std::move(setup));
        ASSERT_TRUE(browser) << browser.Message();
        m_browser = std::move(*browser);
        m_browser->StartIn(100ms);
    }

    StageStatus Status(Stage stage) const { return m_browser->Script().Stages().Get(stage).status; }
    std::string Detail(Stage stage) const { return m_browser->Script().Stages().Get(stage).detail; }
    std::string Dump() const {
        std::string out;
        for (const auto& r : m_browser->Script().Stages().All())
            out += std::string(outcome::StageKey(r.stage)) + " " +
                   outcome::StageStatusName(r.status) + " " + r.detail + "\n";
        for (const auto& line : m_world->Log("guest-pc")->Lines())
            out += line + "\n";
        return out;
    }

    LabPki m_pki;
    std::unique_ptr<network::World> m_world;
    std::unique_ptr<devices::DnsResolver> m_resolver;
    std::unique_ptr<ScriptedWebBridge> m_bridge;
    std::unique_ptr<ScriptedTurn> m_turn;
    std::unique_ptr<ScriptedCmsMedia> m_cms_media;
    std::unique_ptr<BrowserApp> m_browser;
};

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST_F(BrowserAppTest, JoinsThroughNatAndAllocatesRelay) {
    Serve({});
    Browse();
    m_world->RunFor(5);
    for (Stage stage : {Stage::Dns, Stage::Tcp, Stage::Tls, Stage::Certificate, Stage::Http,
                        Stage::WebBridge, Stage::GuestLogin, Stage::Turn})
        EXPECT_EQ(Status(stage), StageStatus::Ok) << outcome::StageKey(stage) << "\n" << Dump();
    EXPECT_EQ(Detail(Stage::Dns), "cmsweb.octavio.com -> 10.88.246.156");
    EXPECT_EQ(Detail(Stage::Tcp), "connected to 10.88.246.156:443");
    EXPECT_TRUE(Contains(Detail(Stage::Tls), "SNI cmsweb.octavio.com")) << Detail(Stage::Tls);
    EXPECT_TRUE(Contains(Detail(Stage::Turn), "relay 10.88.246.156:2")) << Detail(Stage::Turn);
    EXPECT_TRUE(Contains(Detail(Stage::Turn), "realm \"turnuser\"")) << Detail(Stage::Turn);
    EXPECT_TRUE(Contains(Detail(Stage::Turn), "mapped 172.16.84.124:")) << Detail(Stage::Turn);
    EXPECT_GT(m_browser->Script().Stages().Get(Stage::Dns).TimeMs(), 100.0);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::Connecting);
    EXPECT_EQ(m_browser->Script().View().title, "Proxy webRTC");
    ASSERT_GE(m_bridge->requests.size(), 4u);
    EXPECT_EQ(m_bridge->requests[0], "GET /");
    EXPECT_EQ(m_bridge->requests[1], "POST /api/guest/call");
    EXPECT_EQ(m_bridge->requests[2], "POST /api/guest/login");
    EXPECT_EQ(m_bridge->requests[3], "GET /api/guest/signaling?session=s1");
    ASSERT_FALSE(m_bridge->signaling.empty());
    EXPECT_TRUE(Contains(m_bridge->signaling[0], "\"join\""));
    // The browser tells the CMS its relay and that it waits for DTLS.
    bool sent_relay = false, sent_passive = false;
    for (const auto& text : m_bridge->signaling) {
        sent_relay = sent_relay || Contains(text, "\"relay\"");
        sent_passive = sent_passive || Contains(text, "\"passive\"");
    }
    EXPECT_TRUE(sent_relay);
    EXPECT_TRUE(sent_passive);
    if (std::getenv("CMSLAB_SHOW"))
        std::cout << Dump();
}

TEST_F(BrowserAppTest, CertificateWithoutTheWebBridgeNameIsRejected) {
    Serve({}, /*san_ok=*/false);
    Browse();
    m_world->RunFor(5);
    EXPECT_EQ(Status(Stage::Tcp), StageStatus::Ok);
    EXPECT_EQ(Status(Stage::Certificate), StageStatus::Failed) << Dump();
    EXPECT_TRUE(Contains(Detail(Stage::Certificate), "hostname mismatch"))
        << Detail(Stage::Certificate);
    EXPECT_TRUE(Contains(Detail(Stage::Certificate), "vcse.octavio.com, vcsc.octavio.local"))
        << Detail(Stage::Certificate);
    EXPECT_TRUE(Contains(Detail(Stage::Tls), "alert bad_certificate")) << Detail(Stage::Tls);
    EXPECT_EQ(Status(Stage::Http), StageStatus::NotReached);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::CertificateWarning);
    EXPECT_EQ(m_browser->Script().View().error_code, "NET::ERR_CERT_COMMON_NAME_INVALID");
    EXPECT_TRUE(m_bridge->requests.empty());
}

TEST_F(BrowserAppTest, BadRequestPage) {
    WebBridgeScript script;
    script.page_status = 400;
    Serve(script);
    Browse();
    m_world->RunFor(5);
    EXPECT_EQ(Status(Stage::Http), StageStatus::Failed) << Dump();
    EXPECT_EQ(Detail(Stage::Http), "GET / -> 400 Bad Request");
    EXPECT_EQ(m_browser->Script().View().screen, Screen::BadRequest);
    EXPECT_EQ(m_browser->Script().View().title, "Bad Request");
}

TEST_F(BrowserAppTest, PageWithoutJoinCall) {
    WebBridgeScript script;
    script.join_call = false;
    Serve(script);
    Browse();
    m_world->RunFor(5);
    EXPECT_EQ(Status(Stage::Http), StageStatus::Ok) << Dump();
    EXPECT_EQ(Status(Stage::WebBridge), StageStatus::Failed);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::NoJoinButton);
}

TEST_F(BrowserAppTest, UnknownNameAtExternalDns) {
    Serve({});
    Browse("cmsweb.nowhere.octavio.com");
    m_world->RunFor(15);
    EXPECT_EQ(Status(Stage::Dns), StageStatus::Failed) << Dump();
    EXPECT_EQ(Status(Stage::Tcp), StageStatus::NotReached);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::SiteUnreachable);
}

TEST_F(BrowserAppTest, NothingListeningIsRefused) {
    Browse(); // no web server on Expressway-E
    m_world->RunFor(30);
    EXPECT_EQ(Status(Stage::Dns), StageStatus::Ok) << Dump();
    EXPECT_EQ(Status(Stage::Tcp), StageStatus::Failed) << Dump();
    EXPECT_TRUE(Contains(Detail(Stage::Tcp), "10.88.246.156:443 refused")) << Detail(Stage::Tcp);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::SiteUnreachable);
    EXPECT_EQ(m_browser->Script().View().error_code, "ERR_CONNECTION_REFUSED");
}

TEST_F(BrowserAppTest, WrongTurnPasswordThenBackToJoinPage) {
    WebBridgeScript script;
    script.turn_password = "wrong";
    Serve(script);
    Browse();
    m_world->RunFor(10);
    EXPECT_EQ(Status(Stage::GuestLogin), StageStatus::Ok) << Dump();
    EXPECT_EQ(Status(Stage::Turn), StageStatus::Failed) << Dump();
    EXPECT_TRUE(Contains(Detail(Stage::Turn), "431")) << Detail(Stage::Turn);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::Connecting);
    m_world->RunFor(30);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::ConnectingTimeout) << Dump();
    EXPECT_EQ(Status(Stage::Ice), StageStatus::NotReached);
}

// The whole call against a scripted CMS: ICE between the two relays (reflected by the
// edge firewall), DTLS with the browser passive, SRTP audio both ways, the guest in the
// meeting, and after the media duration the guest hangs up.
TEST_F(BrowserAppTest, CallWithScriptedCmsMediaBothWays) {
    m_cms_media = std::make_unique<ScriptedCmsMedia>(m_world->GetNode("cms"), CmsMediaScript{});
    Serve({});
    Browse();
    m_world->RunFor(20);
    for (const auto& r : m_browser->Script().Stages().All())
        EXPECT_EQ(r.status, StageStatus::Ok) << outcome::StageKey(r.stage) << "\n" << Dump();
    EXPECT_TRUE(Contains(Detail(Stage::Ice), "<-> 10.88.246.156:")) << Detail(Stage::Ice);
    EXPECT_TRUE(Contains(Detail(Stage::Dtls), "browser passive")) << Detail(Stage::Dtls);
    // The CMS's DTLS client saw the browser's certificate, matching what it announced.
    ASSERT_NE(m_cms_media->dtls, nullptr);
    EXPECT_TRUE(m_cms_media->dtls->Established());
    const auto& media = m_browser->Script().Media();
    // The 10 s of audio, 50 packets a second, both ways.
    EXPECT_GE(media.sent.packets, 450u);
    EXPECT_LE(media.sent.packets, 501u);
    EXPECT_GE(media.received.packets, 450u);
    EXPECT_EQ(media.sent.bytes, media.sent.packets * 82u);
    EXPECT_GE(m_cms_media->rtp_sent, 450u);
    EXPECT_GE(m_cms_media->rtp_received, 450u);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::InCall);
    bool left = false;
    for (const auto& text : m_bridge->signaling)
        left = left || Contains(text, "\"leave\"");
    EXPECT_TRUE(left);
}

TEST_F(BrowserAppTest, CmsCertificateNotMatchingItsFingerprintFailsDtls) {
    CmsMediaScript script;
    script.announce_own_fingerprint = false;
    m_cms_media = std::make_unique<ScriptedCmsMedia>(m_world->GetNode("cms"), script);
    Serve({});
    Browse();
    m_world->RunFor(10);
    EXPECT_EQ(Status(Stage::Ice), StageStatus::Ok) << Dump();
    EXPECT_EQ(Status(Stage::Dtls), StageStatus::Failed) << Dump();
    EXPECT_TRUE(Contains(Detail(Stage::Dtls), "bad_certificate")) << Detail(Stage::Dtls);
    EXPECT_EQ(Status(Stage::Media), StageStatus::NotReached);
    m_world->RunFor(30);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::ConnectingTimeout) << Dump();
    EXPECT_EQ(m_cms_media->rtp_received, 0u);
}

TEST_F(BrowserAppTest, NoRtpFromTheCmsFailsMediaAndTheWebAppGivesUp) {
    CmsMediaScript script;
    script.send_rtp = false;
    m_cms_media = std::make_unique<ScriptedCmsMedia>(m_world->GetNode("cms"), script);
    Serve({});
    Browse();
    m_world->RunFor(45);
    EXPECT_EQ(Status(Stage::Dtls), StageStatus::Ok) << Dump();
    EXPECT_EQ(Status(Stage::Media), StageStatus::Failed) << Dump();
    EXPECT_TRUE(Contains(Detail(Stage::Media), "0 packets (0 bytes) received"))
        << Detail(Stage::Media);
    EXPECT_GT(m_browser->Script().Media().sent.packets, 400u);
    EXPECT_GT(m_cms_media->rtp_received, 400u);
    EXPECT_EQ(m_browser->Script().View().screen, Screen::ConnectingTimeout) << Dump();
}

} // namespace
} // namespace cmslab::browser::test
