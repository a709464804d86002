// TLS, HTTP and WebSocket over the reference network: a web server on Expressway-E's DMZ
// address behind the NAT, a guest browsing to the public address by name. Judged by what
// each side saw and by tshark decrypting the public segment's capture with the run's key
// log.
#include "devnet_fixture.h"
#include "http_client_session.h"
#include "http_server_session.h"
#include "key_log_file.h"
#include "sim_time.h"
#include "tcp_listener.h"
#include "tcp_stream.h"
#include "tls_stream.h"

#include "http/serializer.h"
#include "pki/certificate_authority.h"
#include "tls/context.h"

#include "ns3/node.h"

#include <openssl/x509_vfy.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>

namespace cmslab::devices::net::test {
namespace {

const char* kWebBridgeName = "cmsweb.octavio.com";

// A lab CA and the Expressway-E's certificates: one that names the web bridge, one
// that does not (the admin forgot the SAN).
struct LabPki {
    LabPki() : rng(Rng(42).Fork("pki")) {
        pki::CaProfile ca_profile;
        ca_profile.subject.organization = "Octavio Lab";
        ca_profile.subject.common_name = "Octavio Lab Root CA";
        ca_profile.not_before = *pki::ParseUtc("2016-01-01T00:00:00Z");
        ca_profile.not_after = *pki::ParseUtc("2030-01-01T00:00:00Z");
        ca.emplace(*pki::CertificateAuthority::CreateRoot(ca_profile, rng));

        pki::CertificateProfile p;
        p.subject.organization = "Octavio";
        p.subject.common_name = "vcse.octavio.com";
        p.not_before = *pki::ParseUtc("2017-01-01T00:00:00Z");
        p.not_after = *pki::ParseUtc("2019-01-01T00:00:00Z");
        p.dns_names = {"vcse.octavio.com", kWebBridgeName, "octavio.com"};
        with_web_bridge = *ca->Issue(p, rng);
        p.dns_names = {"vcse.octavio.com", "octavio.com"};
        without_web_bridge = *ca->Issue(p, rng);
    }
    Rng rng;
    std::optional<pki::CertificateAuthority> ca;
    pki::Identity with_web_bridge;
    pki::Identity without_web_bridge;
};

std::shared_ptr<tls::Context> ServerContext(const pki::Identity& identity, const KeyLogFile& keys) {
    tls::ContextConfig config;
    config.role = tls::Role::Server;
    config.identities = {identity};
    config.alpn = {"http/1.1"};
    config.key_log = keys.Sink();
    Rng rng(7);
    auto ctx = tls::Context::Create(config, rng);
    EXPECT_TRUE(ctx) << ctx.Message();
    return ctx ? *ctx : nullptr;
}

std::shared_ptr<tls::Context> BrowserContext(const pki::Certificate& anchor,
                                             const KeyLogFile& keys) {
    tls::ContextConfig config;
    config.role = tls::Role::Client;
    config.trust_anchors = {anchor};
    config.alpn = {"h2", "http/1.1"};
    config.key_log = keys.Sink();
    Rng rng(8);
    auto ctx = tls::Context::Create(config, rng);
    EXPECT_TRUE(ctx) << ctx.Message();
    return ctx ? *ctx : nullptr;
}

std::string Page(std::size_t size) {
    std::string body = "<!DOCTYPE html><html><head><title>Cisco Meeting App</title></head><body>\n";
    int line = 0;
    while (body.size() + 32 < size)
        body += "<p>join a meeting, line " + std::to_string(line++) + "</p>\n";
    body.resize(size - 15, ' ');
    body += "</body></html>\n";
    return body;
}

// The web server on Expressway-E: HTTPS on the DMZ address, one page, and a WebSocket
// that answers each message.
class WebServer {
  public:
    WebServer(ns3::Ptr<ns3::Node> node, std::shared_ptr<tls::Context> context, Rng rng,
              std::string page)
        : m_context(std::move(context)), m_rng(std::move(rng)), m_page(std::move(page)) {
        auto listener =
            TcpListener::Listen(node, Ep("192.168.245.61", 443),
                                [this](std::unique_ptr<TcpStream> tcp) { Accept(std::move(tcp)); });
        EXPECT_TRUE(listener) << listener.Message();
        if (listener)
            m_listener = std::move(*listener);
    }

    std::vector<http::Request> requests;
    std::vector<std::string> ws_received;
    std::vector<TlsSessionInfo> handshakes;
    std::vector<CloseInfo> closes;
    std::vector<std::string> tls_events;

  private:
    void Accept(std::unique_ptr<TcpStream> tcp) {
        const std::uint64_t id = m_next++;
        auto tls = TlsStream::Server(std::move(tcp), m_context, {}, m_rng.Fork(std::to_string(id)));
        tls->SetOnHandshakeDone([this](const TlsSessionInfo& info) { handshakes.push_back(info); });
        tls->SetOnTlsEvent([this](const tls::Event& e) { tls_events.push_back(e.ToString()); });
        auto session = std::make_unique<HttpServerSession>(
            std::move(tls), [this](http::Request request, HttpResponder responder) {
                Handle(std::move(request), std::move(responder));
            });
        session->SetOnClosed([this, id](const CloseInfo& info) {
            closes.push_back(info);
            m_sessions.erase(id); // destroying the session from its own handler
        });
        m_sessions[id] = std::move(session);
    }

    void Handle(http::Request request, HttpResponder responder) {
        requests.push_back(request);
        if (responder.IsUpgradeRequest()) {
            std::unique_ptr<WebSocketSession> ws = responder.AcceptWebSocket();
            if (!ws)
                return;
            WebSocketSession* raw = ws.get();
            ws->SetOnMessage([this, raw](const WebSocketMessage& m) {
                ws_received.push_back(m.text);
                raw->Send("{\"echo\":" + m.text + "}");
            });
            // A moment later: Wireshark reads bytes that share a segment with the 101 as
            // HTTP continuation, not as WebSocket.
            m_timers.push_back(std::make_unique<Timer>());
            m_timers.back()->ScheduleIn(std::chrono::milliseconds(2),
                                        [raw](Instant) { raw->Send("{\"hello\":\"guest\"}"); });
            m_ws.push_back(std::move(ws));
            return;
        }
        http::Response response;
        if (request.target == "/") {
            response.status = 200;
            response.headers.Add("Content-Type", "text/html; charset=utf-8");
            response.body.assign(m_page.begin(), m_page.end());
        } else {
            response.status = 404;
            response.headers.Add("Content-Type", "text/plain");
            const std::string text = "not found\n";
            response.body.assign(text.begin(), text.end());
        }
        // Answered later, as a proxy would after asking its upstream.
        m_timers.push_back(std::make_unique<Timer>());
        m_timers.back()->ScheduleIn(
            std::chrono::milliseconds(5),
            [responder, response](Instant) mutable { responder.Respond(std::move(response)); });
    }

    std::shared_ptr<tls::Context> m_context;
    Rng m_rng;
    std::string m_page;
    std::unique_ptr<TcpListener> m_listener;
    std::uint64_t m_next = 0;
    std::map<std::uint64_t, std::unique_ptr<HttpServerSession>> m_sessions;
    std::vector<std::unique_ptr<WebSocketSession>> m_ws;
    std::vector<std::unique_ptr<Timer>> m_timers;
};

http::Request BrowserGet(const std::string& target) {
    http::Request r;
    r.method = "GET";
    r.target = target;
    r.headers.Add("Host", kWebBridgeName);
    r.headers.Add("User-Agent", "Mozilla/5.0 (cmslab guest)");
    r.headers.Add("Accept", "text/html");
    return r;
}

class WebTest : public DevnetTest {
  protected:
    std::string KeyLogPath() const { return m_dir + "/sslkeys.log"; }
    tls::EndpointOptions BrowserOptions() const {
        tls::EndpointOptions options;
        options.server_name = kWebBridgeName;
        options.verify_time = WallClockSeconds(m_world->EpochUnixSeconds());
        return options;
    }
    // The fields of the frames matching `filter` with the TLS opened by the key log;
    // a field that occurs several times in a frame lists its values with ';'.
    std::vector<std::string> Decrypted(const std::string& filter,
                                       const std::vector<std::string>& fields) {
        return Tshark("public", filter, fields,
                      {"-o", "tls.keylog_file:" + KeyLogPath(), "-E", "aggregator=;"});
    }
    // One line per message: a frame carrying several (pipelined requests, coalesced
    // WebSocket frames) lists them with ';'; its source goes with each. Fields are
    // joined with spaces and empty ones dropped.
    static std::vector<std::string> Without(std::vector<std::string> lines,
                                            const std::string& line) {
        lines.erase(std::remove(lines.begin(), lines.end(), line), lines.end());
        return lines;
    }
    static std::vector<std::string> Spread(const std::vector<std::string>& lines) {
        std::vector<std::string> out;
        for (const std::string& line : lines) {
            std::vector<std::vector<std::string>> columns;
            for (const std::string& field : testkit::SplitFields(line, '|'))
                columns.push_back(testkit::SplitFields(field, ';'));
            std::size_t count = 1;
            for (std::size_t c = 1; c < columns.size(); ++c)
                count = std::max(count, columns[c].size());
            for (std::size_t i = 0; i < count; ++i) {
                std::string joined = columns[0][0];
                for (std::size_t c = 1; c < columns.size(); ++c) {
                    const std::string& v = i < columns[c].size() ? columns[c][i] : std::string();
                    if (!v.empty())
                        joined += " " + v;
                }
                out.push_back(joined);
            }
        }
        return out;
    }
    LabPki m_pki;
};

TEST_F(WebTest, HttpsPageThenWebSocketOnTheSameConnection) {
    KeyLogFile keys(KeyLogPath());
    const std::string page = Page(6000);
    auto server =
        std::make_unique<WebServer>(Node("vcse"), ServerContext(m_pki.with_web_bridge, keys),
                                    m_world->ForkRng("vcse/web"), page);

    auto tcp = TcpStream::Connect(Node("guest-pc"), Ep("10.88.246.156", 443));
    auto tls = TlsStream::Client(std::move(tcp), BrowserContext(m_pki.ca->Cert(), keys),
                                 BrowserOptions(), m_world->ForkRng("guest/tls"));
    std::optional<TlsSessionInfo> handshake;
    bool verify_failed = false;
    tls->SetOnHandshakeDone([&](const TlsSessionInfo& info) { handshake = info; });
    tls->SetOnVerifyFailed([&](const TlsVerifyFailure&) { verify_failed = true; });
    HttpClientSession browser(std::move(tls), m_world->ForkRng("guest/http"));

    std::optional<Expected<http::Response>> page_response, missing_response;
    std::unique_ptr<WebSocketSession> ws;
    std::string upgrade_error;
    int upgrade_status = 0;
    std::vector<std::string> ws_got;
    std::optional<WebSocketClosed> ws_closed;
    browser.Send(BrowserGet("/"), [&](Expected<http::Response> r) {
        page_response = std::move(r);
        // Keep-alive: the next request on the same connection, then the upgrade.
        browser.Send(BrowserGet("/nothing-here"),
                     [&](Expected<http::Response> r2) { missing_response = std::move(r2); });
        browser.UpgradeToWebSocket(kWebBridgeName, "/ws", std::string("https://") + kWebBridgeName,
                                   {}, [&](WebSocketUpgradeResult result) {
                                       upgrade_status = result.response.status;
                                       upgrade_error = result.error;
                                       ws = std::move(result.session);
                                       if (!ws)
                                           return;
                                       ws->SetOnMessage([&](const WebSocketMessage& m) {
                                           ws_got.push_back(m.text);
                                           if (ws_got.size() == 4)
                                               ws->Close(1000, "bye");
                                       });
                                       ws->SetOnClosed(
                                           [&](const WebSocketClosed& c) { ws_closed = c; });
                                       for (const char* text : {"1", "2", "3"})
                                           ws->Send(text);
                                   });
    });
    m_world->RunFor(5);

    ASSERT_TRUE(handshake);
    EXPECT_FALSE(verify_failed);
    EXPECT_EQ(handshake->handshake.version, "TLSv1.3");
    EXPECT_EQ(handshake->handshake.alpn, "http/1.1");
    EXPECT_EQ(handshake->handshake.server_name, kWebBridgeName);
    EXPECT_EQ(handshake->handshake.verify_result, X509_V_OK);
    EXPECT_NE(std::find(handshake->peer_sans.begin(), handshake->peer_sans.end(),
                        pki::SubjectAltName{pki::SubjectAltName::Kind::Dns, kWebBridgeName}),
              handshake->peer_sans.end());
    ASSERT_TRUE(page_response);
    ASSERT_TRUE(*page_response) << page_response->Message();
    EXPECT_EQ((*page_response)->status, 200);
    EXPECT_EQ(std::string((*page_response)->body.begin(), (*page_response)->body.end()), page);
    ASSERT_TRUE(missing_response && *missing_response);
    EXPECT_EQ((*missing_response)->status, 404);
    EXPECT_EQ(upgrade_status, 101) << upgrade_error;
    ASSERT_TRUE(ws);
    // The server's own message goes out 2 ms after the upgrade, independently of the
    // echoes: where it falls among them depends on the segments' delays. The echoes keep
    // their order.
    EXPECT_EQ(Without(ws_got, "{\"hello\":\"guest\"}"),
              (std::vector<std::string>{"{\"echo\":1}", "{\"echo\":2}", "{\"echo\":3}"}));
    EXPECT_EQ(std::count(ws_got.begin(), ws_got.end(), "{\"hello\":\"guest\"}"), 1);
    EXPECT_EQ(server->ws_received, (std::vector<std::string>{"1", "2", "3"}));
    ASSERT_TRUE(ws_closed);
    EXPECT_TRUE(ws_closed->clean);
    EXPECT_EQ(ws_closed->code, 1000);
    ASSERT_EQ(server->handshakes.size(), 1u);
    EXPECT_EQ(server->handshakes[0].handshake.server_name, kWebBridgeName);
    ASSERT_EQ(server->requests.size(), 3u);
    EXPECT_EQ(server->requests[0].headers.Get("Host"), std::string(kWebBridgeName));
    EXPECT_FALSE(keys.Lines().empty());
    EXPECT_FALSE(keys.Failed());

    ws.reset();
    server.reset();
    Finish();

    // The outside judge: Wireshark decrypts the public segment with the run's key log.
    auto http_lines =
        Decrypted("http", {"ip.src", "http.host", "http.request.uri", "http.response.code"});
    EXPECT_EQ(Spread(http_lines),
              (std::vector<std::string>{"172.16.84.124 cmsweb.octavio.com /", "10.88.246.156 200",
                                        "172.16.84.124 cmsweb.octavio.com /nothing-here",
                                        "172.16.84.124 cmsweb.octavio.com /ws", "10.88.246.156 404",
                                        "10.88.246.156 101"}));
    auto ws_lines =
        Decrypted("websocket.payload.text", {"ip.src", "websocket.mask", "websocket.payload.text"});
    const auto ws_spread = Spread(ws_lines);
    EXPECT_EQ(
        Without(ws_spread, "10.88.246.156 0 {\"hello\":\"guest\"}"),
        (std::vector<std::string>{"172.16.84.124 1 1", "172.16.84.124 1 2", "172.16.84.124 1 3",
                                  "10.88.246.156 0 {\"echo\":1}", "10.88.246.156 0 {\"echo\":2}",
                                  "10.88.246.156 0 {\"echo\":3}"}));
    EXPECT_EQ(
        std::count(ws_spread.begin(), ws_spread.end(), "10.88.246.156 0 {\"hello\":\"guest\"}"), 1);
    // Several TCP segments carry the page.
    auto segments = Tshark("public", "ip.src == 10.88.246.156 && tcp.len > 1000", {"tcp.len"});
    EXPECT_GE(segments.size(), 4u);
    EXPECT_EQ(testkit::TsharkWarnings(Pcap("public")), "");
}

TEST_F(WebTest, CertificateWithoutTheNameFailsVerificationAndTheAlertIsOnTheWire) {
    KeyLogFile keys(KeyLogPath());
    auto server =
        std::make_unique<WebServer>(Node("vcse"), ServerContext(m_pki.without_web_bridge, keys),
                                    m_world->ForkRng("vcse/web"), Page(2000));
    auto tcp = TcpStream::Connect(Node("guest-pc"), Ep("10.88.246.156", 443));
    auto tls = TlsStream::Client(std::move(tcp), BrowserContext(m_pki.ca->Cert(), keys),
                                 BrowserOptions(), m_world->ForkRng("guest/tls"));
    std::optional<TlsVerifyFailure> failure;
    std::optional<CloseInfo> closed;
    bool handshake_done = false;
    tls->SetOnVerifyFailed([&](const TlsVerifyFailure& f) { failure = f; });
    tls->SetOnHandshakeDone([&](const TlsSessionInfo&) { handshake_done = true; });
    tls->SetOnClosed([&](const CloseInfo& info) { closed = info; });
    tls->Send(std::string_view("GET / HTTP/1.1\r\nHost: cmsweb.octavio.com\r\n\r\n"));
    m_world->RunFor(5);

    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->error.code, X509_V_ERR_HOSTNAME_MISMATCH) << failure->error.ToString();
    EXPECT_EQ(failure->error.text, "hostname mismatch");
    EXPECT_EQ(failure->peer_sans, (std::vector<pki::SubjectAltName>{
                                      {pki::SubjectAltName::Kind::Dns, "vcse.octavio.com"},
                                      {pki::SubjectAltName::Kind::Dns, "octavio.com"}}));
    EXPECT_FALSE(handshake_done);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->reason, CloseReason::TlsFailed) << closed->ToString();
    EXPECT_NE(closed->detail.find("alert sent"), std::string::npos) << closed->detail;
    EXPECT_TRUE(server->requests.empty()) << "no application data crossed";
    ASSERT_EQ(server->closes.size(), 1u);
    EXPECT_EQ(server->closes[0].reason, CloseReason::TlsFailed) << server->closes[0].ToString();
    EXPECT_NE(server->closes[0].detail.find("alert received"), std::string::npos);

    tls.reset();
    server.reset();
    Finish();
    auto alerts = Decrypted("tls.alert_message",
                            {"ip.src", "tls.alert_message.level", "tls.alert_message.desc"});
    ASSERT_EQ(alerts.size(), 1u) << "only the client's alert";
    EXPECT_EQ(alerts[0].substr(0, alerts[0].find('|')), "172.16.84.124");
    EXPECT_NE(alerts[0].find("|2|"), std::string::npos) << "fatal: " << alerts[0];
    EXPECT_TRUE(Decrypted("http", {"http.host"}).empty()) << "the request never left the client";
}

// The same seed gives the same bytes: handshakes, key log, whole capture.
TEST_F(WebTest, SameSeedSameCaptureAndKeyLog) {
    auto run_once = [this](const std::string& dir) {
        KeyLogFile keys(dir + "/sslkeys.log");
        auto server =
            std::make_unique<WebServer>(Node("vcse"), ServerContext(m_pki.with_web_bridge, keys),
                                        m_world->ForkRng("vcse/web"), Page(5000));
        auto tcp = TcpStream::Connect(Node("guest-pc"), Ep("10.88.246.156", 443));
        auto tls = TlsStream::Client(std::move(tcp), BrowserContext(m_pki.ca->Cert(), keys),
                                     BrowserOptions(), m_world->ForkRng("guest/tls"));
        HttpClientSession browser(std::move(tls), m_world->ForkRng("guest/http"));
        int status = 0;
        browser.Send(BrowserGet("/"),
                     [&](Expected<http::Response> r) { status = r ? r->status : -1; });
        m_world->RunFor(2);
        EXPECT_EQ(status, 200);
        server.reset();
        return keys.Lines();
    };
    auto read = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::vector<std::string> first_keys = run_once(m_dir);
    Finish();
    const std::string first_pcap = read(Pcap("public"));

    const std::string first_dir = m_dir;
    SetUp(); // a second world, same scenario and seed, its own folder
    const std::vector<std::string> second_keys = run_once(m_dir);
    Finish();
    const std::string second_pcap = read(Pcap("public"));
    std::filesystem::remove_all(first_dir);

    EXPECT_EQ(first_keys.size(), 5u) << "TLS 1.3: handshake and traffic secrets, exporter";
    EXPECT_EQ(first_keys, second_keys);
    EXPECT_GT(first_pcap.size(), 8000u);
    EXPECT_TRUE(first_pcap == second_pcap) << "the captures differ";
}

} // namespace
} // namespace cmslab::devices::net::test
