// The browser on the simulated reference network, against scripted peers on the
// Expressway-E box: the scenario's external DNS, an HTTPS server speaking the web app
// protocol (page, join form, signaling) and a TURN server, each set up to answer as a
// healthy or a misconfigured deployment would. Judged by the stages and the guest's
// screen.
#include "browser/browser_app.h"

#include "box_log.h"
#include "dns_resolver.h"
#include "http_server_session.h"
#include "reference_network.h"
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

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>

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

IpAddress Ip(const char* text) {
    return *IpAddress::Parse(text);
}

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

// How the scripted web bridge (behind Expressway-E) answers.
struct WebBridgeScript {
    int page_status = 200;
    bool join_call = true;
    std::string passcode; // what the space wants
    std::string turn_password = "cisco";
};

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
    ScriptedTurn(ns3::Ptr<ns3::Node> node, const std::string& password) {
        turn::ServerConfig config;
        config.realm = "turnuser";
        config.users = {{"turnuser", password}};
        config.relays = {{Ip("192.168.245.61"), Ip("10.88.246.156")}};
        m_server = std::make_unique<turn::Server>(config, Rng(9));
        m_port = std::move(*UdpPort::Bind(node, Endpoint{Ip("192.168.245.61"), 3478}));
        m_port->SetOnDatagram([this](const Endpoint& from, const Endpoint& to, const Bytes& data) {
            m_server->HandleClientInput(turn::FiveTuple{turn::Transport::Udp, from, to}, data,
                                        devices::net::SimNow());
            while (auto t = m_server->PollTransmit())
                m_port->SendTo(t->to, t->data);
        });
    }

  private:
    std::unique_ptr<turn::Server> m_server;
    std::unique_ptr<UdpPort> m_port;
};

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
        m_bridge.reset();
        m_turn.reset();
        m_resolver.reset();
        m_world.reset();
    }

    void Serve(WebBridgeScript script, bool san_ok = true, bool turn = true) {
        const std::string password = script.turn_password;
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

} // namespace
} // namespace cmslab::browser::test
