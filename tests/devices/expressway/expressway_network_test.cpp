// Expressway-E and Expressway-C on the simulated reference network, with scripted peers:
// a test HTTPS server standing in for the CMS web bridge at its scenario address, and a
// test browser and TURN client on the guest PC. tshark reads the captures (with the key
// log for the TLS inside).
#include "dns_resolver.h"
#include "expressway_c_app.h"
#include "expressway_e_app.h"
#include "scenario/loader.h"
#include "wire_expressway.h"
#include "world.h"

#include "support/process.h"
#include "support/tshark.h"

#include "http/assembler.h"
#include "http/parser.h"
#include "http/serializer.h"
#include "http/ws_connection.h"
#include "http/ws_handshake.h"
#include "net/key_log_file.h"
#include "net/sim_time.h"
#include "net/tcp_listener.h"
#include "net/tcp_stream.h"
#include "net/tls_stream.h"
#include "net/udp_port.h"
#include "tls/context.h"
#include "turn/client.h"

#include "ns3/simulator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cmslab::network {
namespace {

namespace net = devices::net;

// The CMS web bridge stand-in: answers every request with 200 and a page naming the Host.
struct TestWebBridge {
    std::unique_ptr<net::TcpListener> listener;
    std::shared_ptr<const tls::Context> ctx;
    std::vector<std::unique_ptr<net::TlsStream>> conns;
    std::vector<std::string> hosts;
    std::vector<std::string> sni;
};

// The guest's browser stand-in: one HTTPS request, the raw answer gathered until close.
struct TestGet {
    std::unique_ptr<net::TlsStream> tls;
    Bytes response;
    bool handshake = false;
    std::string closed;
};

class ExpresswayNetworkTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(testkit::ProgramExists("tshark"))
            << "tshark is missing: install it (tools/setup)";
        char dir_template[] = "/tmp/cmslab-expressway-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        m_dir = dir_template;
        auto loaded =
            scenario::LoadScenario(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
        ASSERT_TRUE(loaded.Ok()) << loaded.Report();
        m_scenario = *loaded.scenario;
    }
    void TearDown() override {
        m_bridge.reset();
        m_get.reset();
        m_turn_port.reset();
        m_world.reset();
        if (!std::getenv("CMSLAB_KEEP_TMP"))
            std::filesystem::remove_all(m_dir);
    }

    scenario::Node& NodeNamed(const std::string& name) {
        for (scenario::Node& n : m_scenario.nodes)
            if (n.name == name)
                return n;
        throw std::runtime_error("no node " + name);
    }

    void Build() {
        BuildOptions options;
        options.out_dir = m_dir;
        auto world = World::Build(m_scenario, options);
        ASSERT_TRUE(world) << world.Message();
        m_world = std::move(*world);
        ASSERT_TRUE(m_world->StartDnsServers());
        auto pki = ScenarioPki::Issue(m_scenario.pki, m_world->Seed());
        ASSERT_TRUE(pki) << pki.Message();
        m_pki = std::make_unique<ScenarioPki>(std::move(*pki));
        m_keylog = std::make_unique<net::KeyLogFile>(m_dir + "/sslkeys.log");
        auto apps = StartExpressways(*m_world, *m_pki, m_keylog->Sink());
        ASSERT_TRUE(apps) << apps.Message();
        m_apps = *apps;
        ASSERT_EQ(m_apps.e.size(), 1u);
        ASSERT_EQ(m_apps.c.size(), 1u);
    }

    void StartWebBridge() {
        m_bridge = std::make_unique<TestWebBridge>();
        tls::ContextConfig config;
        config.role = tls::Role::Server;
        config.identities = {*m_pki->Identity("cms-webbridge")};
        config.key_log = m_keylog->Sink();
        Rng rng(5);
        m_bridge->ctx = *tls::Context::Create(config, rng);
        TestWebBridge* b = m_bridge.get();
        std::int64_t epoch = m_world->EpochUnixSeconds();
        auto l = net::TcpListener::Listen(
            m_world->GetNode("cms"), Endpoint{*IpAddress::Parse("172.16.85.180"), 443},
            [b, epoch](std::unique_ptr<net::TcpStream> tcp) {
                tls::EndpointOptions o;
                o.verify_time = net::WallClockSeconds(epoch);
                auto tls = net::TlsStream::Server(std::move(tcp), b->ctx, o, Rng(b->conns.size()));
                net::TlsStream* t = tls.get();
                auto parser = std::make_shared<http::Parser>(http::MessageKind::Request);
                auto ws = std::make_shared<std::optional<ws::Connection>>();
                auto upgrade = std::make_shared<std::optional<http::RequestHead>>();
                t->SetOnHandshakeDone([b](const net::TlsSessionInfo& s) {
                    b->sni.push_back(s.handshake.server_name);
                });
                // WebSocket: echoes each text message back, prefixed.
                auto echo = [t, ws](ByteView d) {
                    for (const ws::Event& e : (*ws)->Feed(d))
                        if (auto* m = std::get_if<ws::TextMessage>(&e))
                            t->Send((*ws)->SendText("echo: " + m->text));
                };
                t->SetOnData([b, t, parser, ws, upgrade, echo](const Bytes& d) {
                    if (ws->has_value())
                        return echo(d);
                    for (const http::Event& e : parser->Feed(d)) {
                        if (auto* h = std::get_if<http::RequestHead>(&e)) {
                            b->hosts.push_back(h->headers.Get("Host").value_or(""));
                            if (ws::IsUpgradeRequest(*h))
                                *upgrade = *h;
                        }
                        if (!std::holds_alternative<http::EndOfMessage>(e))
                            continue;
                        if (upgrade->has_value()) {
                            t->Send(http::Serialize(ws::AnswerHandshake(**upgrade).response));
                            *ws = ws::Connection::Server();
                            echo(parser->AcceptUpgrade());
                            return;
                        }
                        http::Response r;
                        const std::string body =
                            "<html><title>Meeting</title><body>Join call | Sign in; Host " +
                            b->hosts.back() + "</body></html>";
                        r.headers.Add("Content-Type", "text/html");
                        r.headers.Add("Connection", "close");
                        r.body.assign(body.begin(), body.end());
                        t->Send(http::Serialize(r));
                        t->Close();
                    }
                });
                b->conns.push_back(std::move(tls));
            });
        ASSERT_TRUE(l) << l.Message();
        m_bridge->listener = std::move(*l);
    }

    void GetAt(double at_s, const std::string& host) {
        m_get = std::make_unique<TestGet>();
        TestGet* g = m_get.get();
        ns3::Ptr<ns3::Node> guest = m_world->GetNode("guest-pc");
        tls::ContextConfig config;
        config.role = tls::Role::Client;
        config.trust_anchors = m_pki->TrustAnchors({"lab-ca"});
        config.alpn = {"http/1.1"};
        config.key_log = m_keylog->Sink();
        Rng rng(6);
        auto ctx = *tls::Context::Create(config, rng);
        const std::int64_t epoch = m_world->EpochUnixSeconds();
        ns3::Simulator::Schedule(ns3::Seconds(at_s), [g, guest, ctx, host, epoch] {
            auto tcp =
                net::TcpStream::Connect(guest, Endpoint{*IpAddress::Parse("10.88.246.156"), 443});
            tls::EndpointOptions o;
            o.server_name = "cmsweb.octavio.com";
            o.verify_time = net::WallClockSeconds(epoch);
            g->tls = net::TlsStream::Client(std::move(tcp), ctx, o, Rng(7));
            g->tls->SetOnHandshakeDone([g](const net::TlsSessionInfo&) { g->handshake = true; });
            g->tls->SetOnData(
                [g](const Bytes& d) { g->response.insert(g->response.end(), d.begin(), d.end()); });
            g->tls->SetOnClosed([g](const net::CloseInfo& i) { g->closed = i.ToString(); });
            const std::string req = "GET / HTTP/1.1\r\nHost: " + host +
                                    "\r\nUser-Agent: cmslab-test\r\nAccept: text/html\r\n\r\n";
            g->tls->Send(ByteView(req));
        });
    }

    std::optional<http::Response> Answer() {
        http::Parser p(http::MessageKind::Response);
        http::ResponseAssembler a;
        for (const http::Event& e : p.Feed(m_get->response))
            if (auto r = a.Add(e))
                return r;
        for (const http::Event& e : p.FeedEof())
            if (auto r = a.Add(e))
                return r;
        return std::nullopt;
    }

    // TsharkFields on a network's capture, with the run's key log (and `decode_as`, a
    // port to read as TLS).
    std::vector<std::string> Shark(const std::string& network, const std::string& filter,
                                   const std::vector<std::string>& fields,
                                   const std::string& decode_as = "") {
        std::vector<std::string> extra = {"-o", "tls.keylog_file:" + m_dir + "/sslkeys.log"};
        if (!decode_as.empty())
            extra.insert(extra.end(), {"-d", decode_as});
        return testkit::TsharkFields(m_dir + "/pcap/" + network + ".pcap", filter, fields, extra);
    }

    // Runs the simulation, keeps what the boxes show, then ends the world so that the
    // captures are complete on disk for tshark.
    void RunAndFinish(double seconds) {
        m_world->RunFor(seconds);
        for (const char* node : {"vcse", "vcsc"}) {
            m_logs[node] = m_world->Log(node)->Lines();
            m_status[node] = m_world->Status(node);
        }
        m_rows = m_apps.c["vcsc"]->Rows();
        if (m_bridge) {
            m_bridge->conns.clear();
            m_bridge->listener.reset();
        }
        if (m_get)
            m_get->tls.reset();
        m_turn_port.reset();
        m_apps = {};
        m_world.reset();
    }

    bool LogHas(const std::string& node, const std::string& text) {
        for (const std::string& l : m_logs[node])
            if (l.find(text) != std::string::npos)
                return true;
        return false;
    }
    std::string LogText(const std::string& node) {
        std::string s;
        for (const std::string& l : m_logs[node])
            s += l + "\n";
        return s;
    }

    std::string m_dir;
    scenario::Scenario m_scenario;
    std::unique_ptr<World> m_world;
    std::unique_ptr<ScenarioPki> m_pki;
    std::unique_ptr<net::KeyLogFile> m_keylog;
    ExpresswayApps m_apps;
    std::unique_ptr<TestWebBridge> m_bridge;
    std::unique_ptr<TestGet> m_get;
    std::unique_ptr<net::UdpPort> m_turn_port;
    std::map<std::string, std::vector<std::string>> m_logs;
    std::map<std::string, nlohmann::json> m_status;
    std::vector<expressway::TunnelRow> m_rows;
};

TEST_F(ExpresswayNetworkTest, GuestGetReachesTheWebBridgeThroughBothExpressways) {
    Build();
    StartWebBridge();
    GetAt(5, "cmsweb.octavio.com");
    RunAndFinish(15);

    auto answer = Answer();
    ASSERT_TRUE(answer) << "response bytes: " << m_get->response.size() << ", closed "
                        << m_get->closed << "\nvcse:\n"
                        << LogText("vcse") << "vcsc:\n"
                        << LogText("vcsc");
    EXPECT_EQ(answer->status, 200);
    const std::string body(answer->body.begin(), answer->body.end());
    EXPECT_NE(body.find("Join call"), std::string::npos);
    EXPECT_NE(body.find("Host cmsweb.octavio.com"), std::string::npos) << "Host passed unchanged";
    ASSERT_EQ(m_bridge->sni.size(), 2u) << "the probe, then the proxied connection";
    EXPECT_EQ(m_bridge->sni.back(), "cmsweb.octavio.com");

    // Expressway-C: the cache in Expressway's words, every tunnel row Active.
    EXPECT_TRUE(LogHas("vcsc", "Success: address cmsweb.octavio.com resolved successfully. The "
                               "local cache has the following changes: Inserted: 172.16.85.180"))
        << LogText("vcsc");
    const auto rows = m_rows;
    ASSERT_EQ(rows.size(), 3u);
    for (const auto& r : rows) {
        EXPECT_TRUE(r.active) << r.domain << ": " << r.reason;
        EXPECT_EQ(r.target, "vcse.octavio.com");
    }
    const nlohmann::json c_status = m_status["vcsc"];
    EXPECT_EQ(c_status["expressway_c"]["traversal_zone"]["state"], "Active") << c_status.dump(1);
    const nlohmann::json e_status = m_status["vcse"];
    EXPECT_EQ(e_status["expressway_e"]["tunnel"]["state"], "Active") << e_status.dump(1);
    EXPECT_EQ(e_status["expressway_e"]["traversal_zone"]["state"], "Active");
    EXPECT_EQ(e_status["expressway_e"]["web_proxy"]["accepted"], 1);

    // The captures: the 200 decrypted on each segment it crossed.
    const auto pub = Shark("public", "http.response.code == 200", {"ip.src", "ip.dst"});
    ASSERT_EQ(pub.size(), 1u);
    EXPECT_EQ(pub[0], "10.88.246.156|172.16.84.124");
    const auto dmz = Shark("dmz", "http.response.code == 200", {"ip.src", "ip.dst"});
    ASSERT_EQ(dmz.size(), 1u);
    EXPECT_EQ(dmz[0], "192.168.245.61|172.16.84.124");
    const auto internal = Shark("internal", "http.response.code == 200", {"ip.src", "ip.dst"});
    ASSERT_EQ(internal.size(), 1u);
    EXPECT_EQ(internal[0], "172.16.85.180|172.16.85.167");
    // The tunnel and the traversal zone are TLS from Expressway-C to LAN1.
    EXPECT_FALSE(Shark("internal",
                       "tls.handshake.type == 1 && tcp.dstport == 2222 && ip.src == 172.16.85.167 "
                       "&& ip.dst == 172.16.85.168",
                       {"frame.number"}, "tcp.port==2222,tls")
                     .empty());
    EXPECT_FALSE(Shark("internal", "tls.handshake.type == 1 && tcp.dstport == 7001",
                       {"frame.number"}, "tcp.port==7001,tls")
                     .empty());
}

TEST_F(ExpresswayNetworkTest, HostNotLearnedIsABadRequest) {
    // The Bad Request case: Expressway-C proxies the internal URL only.
    NodeNamed("vcsc").expressway_c->meeting_server.guest_account_client_uris = {
        "cmsweb.cms.octavio.local"};
    Build();
    StartWebBridge();
    GetAt(5, "cmsweb.octavio.com");
    RunAndFinish(15);

    auto answer = Answer();
    ASSERT_TRUE(answer) << LogText("vcse");
    EXPECT_EQ(answer->status, 400);
    EXPECT_EQ(answer->reason, "Bad Request");
    EXPECT_TRUE(LogHas("vcsc", "Success: address cmsweb.cms.octavio.local resolved successfully"));
    EXPECT_TRUE(LogHas("vcse", "answered 400 Bad Request")) << LogText("vcse");
    EXPECT_TRUE(m_bridge->hosts.empty()) << "nothing reached the web bridge";
    const auto pub = Shark("public", "http.response.code == 400", {"http.response.phrase"});
    ASSERT_EQ(pub.size(), 1u);
    EXPECT_EQ(pub[0], "Bad Request");
}

// The browser's WebSocket to the web bridge: the upgrade and the frames after it cross
// both Expressways unchanged.
struct TestWebSocket {
    std::unique_ptr<net::TlsStream> tls;
    http::Parser parser{http::MessageKind::Response};
    std::string key;
    std::optional<ws::Connection> ws;
    int status = 0;
    std::string handshake_error;
    std::vector<std::string> messages;
};

TEST_F(ExpresswayNetworkTest, WebSocketUpgradeIsRelayedBothWays) {
    Build();
    StartWebBridge();
    auto sock = std::make_shared<TestWebSocket>();
    TestWebSocket* w = sock.get();
    tls::ContextConfig config;
    config.role = tls::Role::Client;
    config.trust_anchors = m_pki->TrustAnchors({"lab-ca"});
    config.key_log = m_keylog->Sink();
    Rng rng(8);
    auto ctx = *tls::Context::Create(config, rng);
    ns3::Ptr<ns3::Node> guest = m_world->GetNode("guest-pc");
    const std::int64_t epoch = m_world->EpochUnixSeconds();
    ns3::Simulator::Schedule(ns3::Seconds(5), [w, guest, ctx, epoch] {
        tls::EndpointOptions o;
        o.server_name = "cmsweb.octavio.com";
        o.verify_time = net::WallClockSeconds(epoch);
        w->tls = net::TlsStream::Client(
            net::TcpStream::Connect(guest, Endpoint{*IpAddress::Parse("10.88.246.156"), 443}), ctx,
            o, Rng(9));
        Rng key_rng(10);
        ws::ClientHandshake hs = ws::BuildClientHandshake(key_rng, "cmsweb.octavio.com", "/ws",
                                                          "https://cmsweb.octavio.com");
        w->key = hs.key;
        w->tls->Send(http::Serialize(hs.request));
        w->tls->SetOnData([w](const Bytes& d) {
            auto take = [w](ByteView bytes) {
                for (const ws::Event& e : w->ws->Feed(bytes))
                    if (auto* m = std::get_if<ws::TextMessage>(&e))
                        w->messages.push_back(m->text);
            };
            if (w->ws)
                return take(d);
            for (const http::Event& e : w->parser.Feed(d)) {
                auto* head = std::get_if<http::ResponseHead>(&e);
                if (!head)
                    continue;
                w->status = head->status;
                auto ok = ws::CheckServerHandshake(*head, w->key);
                if (!ok) {
                    w->handshake_error = ok.Message();
                    return;
                }
                w->ws = ws::Connection::Client(Rng(11));
                w->tls->Send(w->ws->SendText("hello through the tunnel"));
                w->tls->Send(w->ws->SendText("and again"));
                take(w->parser.TakeTrailingData());
                return;
            }
        });
    });
    m_world->RunFor(15);
    sock->tls.reset();
    RunAndFinish(0);
    EXPECT_EQ(sock->status, 101) << LogText("vcse");
    EXPECT_EQ(sock->handshake_error, "");
    EXPECT_EQ(sock->messages,
              (std::vector<std::string>{"echo: hello through the tunnel", "echo: and again"}));
    EXPECT_TRUE(LogHas("vcse", "WebSocket upgrade accepted: GET /ws Host: cmsweb.octavio.com"))
        << LogText("vcse");
    // Wireshark reads the upgrade and the frames on the public side with the key log.
    EXPECT_EQ(Shark("public", "http.response.code == 101", {"ip.src"}).size(), 1u);
    // Four text frames: two masked from the guest, two echoes from the web bridge (each
    // pair travels in one segment).
    const auto frames = Shark("public", "websocket.opcode == 1", {"ip.src", "websocket.mask"});
    EXPECT_EQ(frames, (std::vector<std::string>{"172.16.84.124|1,1", "10.88.246.156|0,0"}));
}

TEST_F(ExpresswayNetworkTest, WrongZonePasswordLeavesTheTunnelDownAndTheGuestABadRequest) {
    NodeNamed("vcsc").expressway_c->traversal_zone->password = "not-the-password";
    Build();
    StartWebBridge();
    GetAt(5, "cmsweb.octavio.com");
    RunAndFinish(15);

    const nlohmann::json& zone_c = m_status["vcsc"]["expressway_c"]["traversal_zone"];
    EXPECT_EQ(zone_c["state"], "Failed") << zone_c.dump();
    EXPECT_NE(zone_c["reason"].get<std::string>().find("401 Unauthorized"), std::string::npos);
    const nlohmann::json& zone_e = m_status["vcse"]["expressway_e"]["traversal_zone"];
    EXPECT_EQ(zone_e["state"], "Failed");
    EXPECT_NE(zone_e["reason"].get<std::string>().find("wrong password for 'Tuser'"),
              std::string::npos)
        << zone_e.dump();
    for (const auto& r : m_rows)
        EXPECT_FALSE(r.active) << r.domain;
    EXPECT_EQ(m_status["vcse"]["expressway_e"]["tunnel"]["state"], "Inactive");
    auto answer = Answer();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 400) << "Expressway-E learned no web bridge";
    EXPECT_TRUE(m_bridge->hosts.empty());
}

TEST_F(ExpresswayNetworkTest, ClientCertificateNotMatchingTheVerifySubjectNameIsForbidden) {
    NodeNamed("vcse").expressway_e->traversal_zone->tls_verify_subject_name =
        "someone-else.octavio.local";
    Build();
    RunAndFinish(5);
    const nlohmann::json& zone_c = m_status["vcsc"]["expressway_c"]["traversal_zone"];
    EXPECT_EQ(zone_c["state"], "Failed");
    EXPECT_NE(zone_c["reason"].get<std::string>().find("403 Forbidden"), std::string::npos)
        << zone_c.dump();
    EXPECT_TRUE(LogHas("vcse", "TLS verify subject name check failed")) << LogText("vcse");
    // The traversal exchange is inside TLS: the key log opens it.
    const auto sip = Shark("internal", "tls.app_data", {"tcp.srcport"}, "tcp.port==7001,tls");
    EXPECT_FALSE(sip.empty());
}

// A TURN client on the guest PC, over the ns-3 UDP socket of the guest.
struct TurnRun {
    std::unique_ptr<turn::Client> client;
    std::vector<turn::ClientEvent> events;
    std::unique_ptr<net::Timer> timer;
};

void Pump(TurnRun* run, net::UdpPort* port) {
    while (auto t = run->client->PollTransmit())
        port->SendTo(t->to, t->data);
    while (auto e = run->client->PollEvent())
        run->events.push_back(*e);
    run->timer->Arm(run->client->NextTimeout(), [run, port](Instant now) {
        run->client->HandleTimeout(now);
        Pump(run, port);
    });
}

class ExpresswayTurnTest : public ExpresswayNetworkTest {
  protected:
    std::shared_ptr<TurnRun> AllocateAt(double at_s, const std::string& password) {
        auto run = std::make_shared<TurnRun>();
        turn::ClientConfig config;
        config.server = Endpoint{*IpAddress::Parse("10.88.246.156"), 3478};
        config.username = "turnuser";
        config.password = password;
        run->client = std::make_unique<turn::Client>(config, Rng(11));
        run->timer = std::make_unique<net::Timer>();
        auto port = net::UdpPort::Bind(m_world->GetNode("guest-pc"),
                                       Endpoint{*IpAddress::Parse("172.16.84.124"), 0});
        EXPECT_TRUE(port) << port.Message();
        m_turn_port = std::move(*port);
        net::UdpPort* p = m_turn_port.get();
        TurnRun* r = run.get();
        p->SetOnDatagram([r, p](const Endpoint& from, const Endpoint&, const Bytes& d) {
            r->client->HandleInput(d, from, net::SimNow());
            Pump(r, p);
        });
        ns3::Simulator::Schedule(ns3::Seconds(at_s), [r, p] {
            r->client->Allocate(net::SimNow());
            Pump(r, p);
        });
        return run;
    }
};

TEST_F(ExpresswayTurnTest, AllocateIsChallengedThenRelayedOnTheNatAddress) {
    Build();
    auto run = AllocateAt(3, "cisco");
    RunAndFinish(8);
    ASSERT_GE(run->events.size(), 2u) << LogText("vcse");
    const auto* challenged = std::get_if<turn::client_event::Challenged>(&run->events[0]);
    ASSERT_NE(challenged, nullptr);
    EXPECT_EQ(challenged->realm, "turnuser");
    const auto* allocated = std::get_if<turn::client_event::AllocateSuccess>(&run->events[1]);
    ASSERT_NE(allocated, nullptr) << turn::EventName(run->events[1]) << "\n" << LogText("vcse");
    EXPECT_EQ(allocated->relayed.address.ToString(), "10.88.246.156");
    EXPECT_GE(allocated->relayed.port, 24000);
    EXPECT_LE(allocated->relayed.port, 29999);
    EXPECT_EQ(allocated->mapped.address.ToString(), "172.16.84.124");
    const nlohmann::json st = m_status["vcse"]["expressway_e"]["turn"];
    EXPECT_EQ(st["active_clients"], 1) << st.dump(1);
    EXPECT_EQ(st["relays_udp"], 1);
    EXPECT_EQ(st["listening"]["udp"].size(), 2u);
    EXPECT_EQ(st["relays"][0]["relay"].get<std::string>().rfind("192.168.245.61:", 0), 0u);
    // tshark splits the error code into class (4) and number (01).
    const auto lines =
        Shark("public", "stun.att.error.class == 4 && stun.att.error == 1", {"ip.src"});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "10.88.246.156");
    // The success response: XOR-RELAYED-ADDRESS (then XOR-MAPPED-ADDRESS) as tshark decodes them.
    const auto relayed =
        Shark("public", "stun.att.type == 0x0016", {"stun.att.ipv4", "stun.att.port"});
    ASSERT_EQ(relayed.size(), 1u);
    EXPECT_EQ(relayed[0], "10.88.246.156,172.16.84.124|" +
                              std::to_string(allocated->relayed.port) + "," +
                              std::to_string(allocated->mapped.port));
}

TEST_F(ExpresswayTurnTest, WrongPasswordGets431) {
    Build();
    auto run = AllocateAt(3, "wrong");
    RunAndFinish(8);
    ASSERT_GE(run->events.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<turn::client_event::Challenged>(run->events[0]));
    const auto* failed = std::get_if<turn::client_event::AllocateFailure>(&run->events[1]);
    ASSERT_NE(failed, nullptr) << turn::EventName(run->events[1]);
    EXPECT_EQ(failed->error.code, 431);
    const auto lines = Shark("public", "stun.att.error.class == 4 && stun.att.error == 31",
                             {"ip.src", "ip.dst", "stun.att.error.reason"});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "10.88.246.156|172.16.84.124|Integrity Check Failure");
    EXPECT_TRUE(LogHas("vcse", "431")) << LogText("vcse");
}

TEST_F(ExpresswayTurnTest, AllocateOverTcpOnTheInternalNic) {
    // The CMS way: TCP to LAN1's TURN port (tcpPortNumberOverride), relay still outside.
    Build();
    auto run = std::make_shared<TurnRun>();
    turn::ClientConfig config;
    config.server = Endpoint{*IpAddress::Parse("172.16.85.168"), 3478};
    config.transport = turn::Transport::Tcp;
    config.username = "turnuser";
    config.password = "cisco";
    run->client = std::make_unique<turn::Client>(config, Rng(12));
    run->timer = std::make_unique<net::Timer>();
    TurnRun* r = run.get();
    auto stream = std::make_shared<std::unique_ptr<net::TcpStream>>();
    ns3::Ptr<ns3::Node> cms = m_world->GetNode("cms");
    std::function<void()> pump = [r, stream, &pump] {
        while (auto t = r->client->PollTransmit())
            (*stream)->Send(t->data);
        while (auto e = r->client->PollEvent())
            r->events.push_back(*e);
        r->timer->Arm(r->client->NextTimeout(), [r, &pump](Instant now) {
            r->client->HandleTimeout(now);
            pump();
        });
    };
    ns3::Simulator::Schedule(ns3::Seconds(3), [r, stream, cms, config, &pump] {
        *stream = net::TcpStream::Connect(cms, config.server);
        (*stream)->SetOnData([r, config, &pump](const Bytes& d) {
            r->client->HandleInput(d, config.server, net::SimNow());
            pump();
        });
        r->client->Allocate(net::SimNow());
        pump();
    });
    m_world->RunFor(8);
    const nlohmann::json st = m_world->Status("vcse")["expressway_e"]["turn"];
    r->timer.reset();
    stream->reset();
    RunAndFinish(0);
    ASSERT_GE(run->events.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<turn::client_event::Challenged>(run->events[0]));
    const auto* allocated = std::get_if<turn::client_event::AllocateSuccess>(&run->events[1]);
    ASSERT_NE(allocated, nullptr) << turn::EventName(run->events[1]);
    EXPECT_EQ(allocated->relayed.address.ToString(), "10.88.246.156");
    EXPECT_EQ(allocated->mapped.address.ToString(), "172.16.85.180");
    EXPECT_EQ(st["relays_tcp"], 1) << st.dump(1);
    EXPECT_EQ(st["relays_udp"], 0);
}

} // namespace
} // namespace cmslab::network
