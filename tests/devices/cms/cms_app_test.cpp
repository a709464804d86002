// The CMS application on the reference network (no Expressway running): scripted peers
// ask for the page and use the API; a scripted STUN server on Expressway-E's LAN1
// answers the TURN probe; the c2w link comes up to the CMS's own web bridge, or fails
// as the DNS answer, the TCP result or the web bridge's trust makes it fail.
#include "../reference_network.h"
#include "box_log.h"
#include "cms/cms_app.h"
#include "dns_resolver.h"
#include "http/basic_auth.h"
#include "http_client_session.h"
#include "pki/certificate_authority.h"
#include "pki/unix_time.h"
#include "sim_time.h"
#include "stun/constants.h"
#include "stun/message.h"
#include "tcp_stream.h"
#include "tls/context.h"
#include "tls_stream.h"
#include "udp_port.h"
#include "webapp/guest_join.h"
#include "webapp/meeting_page.h"
#include "webapp/paths.h"
#include "webapp/signaling.h"
#include "websocket_session.h"
#include "world.h"

#include "ns3/node.h"
#include "ns3/nstime.h"
#include "support/values.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace cmslab;
using namespace cmslab::cms;
namespace net = cmslab::devices::net;

namespace {

using cmslab::testkit::Ip;

struct Pki {
    pki::Certificate ca;
    pki::Identity web_bridge;
    pki::Identity call_bridge;
    pki::Identity stranger;
};

const Pki& LabPki() {
    static const Pki p = [] {
        Rng rng(11);
        pki::CaProfile ca_profile;
        ca_profile.subject.common_name = "Test Lab Root CA";
        ca_profile.not_before = *pki::ParseUtc("2017-01-01T00:00:00Z");
        ca_profile.not_after = *pki::ParseUtc("2027-01-01T00:00:00Z");
        auto ca = pki::CertificateAuthority::CreateRoot(ca_profile, rng);
        auto leaf = [&](const char* cn, std::vector<std::string> names,
                        pki::CertificateUsage usage) {
            pki::CertificateProfile profile;
            profile.subject.common_name = cn;
            profile.dns_names = std::move(names);
            profile.not_before = ca_profile.not_before;
            profile.not_after = ca_profile.not_after;
            profile.usage = usage;
            return *ca->Issue(profile, rng);
        };
        Pki out;
        out.ca = ca->Cert();
        out.web_bridge =
            leaf("cmsweb.cms.octavio.local", {"cmsweb.cms.octavio.local", "cmsweb.octavio.com"},
                 pki::CertificateUsage::Server);
        out.call_bridge =
            leaf("cms.octavio.local", {"cms.octavio.local", "admin.cms.octavio.local"},
                 pki::CertificateUsage::ServerAndClient);
        out.stranger = leaf("other.octavio.local", {"other.octavio.local"},
                            pki::CertificateUsage::ServerAndClient);
        return out;
    }();
    return p;
}

CmsAppSettings ReferenceSettings() {
    CmsAppSettings s;
    s.node = "cms";
    s.web_bridge.port = 443;
    s.web_bridge.guest_account_client_uri = "https://cmsweb.cms.octavio.local";
    s.web_bridge.guest_account_jid_domain = "cms.octavio.local";
    s.spaces = {{"Proxy webRTC", "proxywebrtc", "100101", ""}};
    s.turn_servers = {{"172.16.85.168", "10.88.246.156", "turnuser", "cisco", "standard", 3478, 0}};
    s.api_users = {{"admin", "Adm1nCms!"}};
    s.admin_port = 445;
    s.address = Ip("172.16.85.180");
    s.web_bridge_identity = LabPki().web_bridge;
    s.call_bridge_identity = LabPki().call_bridge;
    s.admin_identity = LabPki().call_bridge;
    s.c2w_trust = {LabPki().call_bridge.certificate};
    return s;
}

class CmsAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir_template[] = "/tmp/cmslab-cms-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        m_dir = dir_template;
        network::BuildOptions options;
        options.out_dir = m_dir;
        auto world = network::World::Build(network::test::ReferenceNetwork(), options);
        ASSERT_TRUE(world) << world.Message();
        m_world = std::move(*world);
        ASSERT_TRUE(m_world->StartDnsServers());
    }
    void TearDown() override {
        m_clients.clear();
        m_turn.reset();
        m_app = nullptr;
        m_world.reset();
        if (!HasFailure())
            std::filesystem::remove_all(m_dir);
        else
            std::cerr << "kept " << m_dir << "\n";
    }

    void StartCms(CmsAppSettings settings) {
        settings.epoch_unix_s = m_world->EpochUnixSeconds();
        m_app = ns3::CreateObject<CmsApp>();
        m_app->Configure(std::move(settings), m_world->MakeResolver("cms"), m_world->Log("cms"),
                         m_world->ForkRng("cms"));
        m_world->GetNode("cms")->AddApplication(m_app);
        m_app->SetStartTime(ns3::Seconds(0));
    }

    // A STUN server on Expressway-E's LAN1 that answers Binding requests after `delay`.
    void StartStunPeer(Duration delay) {
        auto port =
            net::UdpPort::Bind(m_world->GetNode("vcse"), Endpoint{Ip("172.16.85.168"), 3478});
        ASSERT_TRUE(port) << port.Message();
        m_turn = std::move(*port);
        net::UdpPort* raw = m_turn.get();
        m_turn->SetOnDatagram(
            [this, raw, delay](const Endpoint& from, const Endpoint&, const Bytes& data) {
                auto request = stun::Message::Decode(data);
                if (!request || request->Method() != stun::method::kBinding)
                    return;
                ++m_stun_requests;
                auto response = request->MakeResponse(stun::Class::SuccessResponse);
                response.AddXorAddress(stun::attr::kXorMappedAddress, from);
                auto bytes = response.Encode();
                auto timer = std::make_shared<net::Timer>();
                timer->ScheduleIn(delay, [raw, from, bytes, timer](Instant) mutable {
                    raw->SendTo(from, bytes);
                    timer.reset();
                });
            });
    }

    // An HTTPS client on `node` sending `request` to `to` at simulated time `at`.
    void Fetch(const std::string& node, Endpoint to, std::string sni, http::Request request,
               Instant at, std::optional<http::Response>& out) {
        auto timer = std::make_shared<net::Timer>();
        timer->ScheduleAt(at, [this, node, to, sni, request, &out, timer](Instant) mutable {
            tls::ContextConfig config;
            config.role = tls::Role::Client;
            config.trust_anchors = {LabPki().ca};
            config.verify = tls::VerifyMode::Require;
            Rng rng(5);
            auto ctx = tls::Context::Create(config, rng);
            ASSERT_TRUE(ctx) << ctx.Message();
            tls::EndpointOptions options;
            options.server_name = sni;
            options.verify_time = net::WallClockSeconds(m_world->EpochUnixSeconds());
            auto tcp = net::TcpStream::Connect(m_world->GetNode(node), to);
            auto stream = net::TlsStream::Client(std::move(tcp), *ctx, options, Rng(6));
            auto session = std::make_unique<net::HttpClientSession>(std::move(stream), Rng(7));
            session->Send(request, [&out](Expected<http::Response> r) {
                ASSERT_TRUE(r) << r.Message();
                out = *r;
            });
            m_clients.push_back(std::move(session));
            timer.reset();
        });
    }

    static http::Request Get(const std::string& host, const std::string& target,
                             const std::string& user = "", const std::string& password = "") {
        http::Request r;
        r.method = "GET";
        r.target = target;
        r.headers.Add("Host", host);
        if (!user.empty())
            r.headers.Add("Authorization", *http::EncodeBasicAuth(user, password));
        return r;
    }

    std::vector<std::string> CmsLog() const { return m_world->Log("cms")->Lines(); }
    bool LogHas(const std::string& text) const {
        for (const auto& line : CmsLog())
            if (line.find(text) != std::string::npos)
                return true;
        return false;
    }

    std::string m_dir;
    std::unique_ptr<network::World> m_world;
    ns3::Ptr<CmsApp> m_app;
    std::unique_ptr<net::UdpPort> m_turn;
    int m_stun_requests = 0;
    std::vector<std::unique_ptr<net::HttpClientSession>> m_clients;
};

std::string Body(const std::optional<http::Response>& r) {
    return r ? std::string(r->body.begin(), r->body.end()) : std::string();
}

} // namespace

TEST_F(CmsAppTest, HealthyBoxServesPageApiAndProbe) {
    StartCms(ReferenceSettings());
    StartStunPeer(std::chrono::milliseconds(52));
    std::optional<http::Response> page, list, status, refused;
    using namespace std::chrono_literals;
    Fetch("vcsc", Endpoint{Ip("172.16.85.180"), 443}, "cmsweb.octavio.com",
          Get("cmsweb.octavio.com", "/"), 5s, page);
    Fetch("vcsc", Endpoint{Ip("172.16.85.180"), 445}, "admin.cms.octavio.local",
          Get("admin.cms.octavio.local:445", "/api/v1/turnServers", "admin", "Adm1nCms!"), 5s,
          list);
    Fetch("vcsc", Endpoint{Ip("172.16.85.180"), 445}, "admin.cms.octavio.local",
          Get("admin.cms.octavio.local:445", "/api/v1/turnServers"), 5s, refused);
    m_world->RunFor(4);
    ASSERT_TRUE(m_app->LinkUp()) << ::testing::PrintToString(CmsLog());
    ASSERT_EQ(m_app->Api()->TurnServers().size(), 1u)
        << ::testing::PrintToString(m_app->ApiErrors());
    const std::string id = m_app->Api()->TurnServers()[0].id;
    Fetch("vcsc", Endpoint{Ip("172.16.85.180"), 445}, "admin.cms.octavio.local",
          Get("admin.cms.octavio.local:445", "/api/v1/turnServers/" + id + "/status", "admin",
              "Adm1nCms!"),
          6s, status);
    m_world->RunFor(6);

    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    const auto meeting = webapp::ReadMeetingPage(Body(page));
    EXPECT_EQ(meeting.title, "Meeting");
    EXPECT_TRUE(meeting.join_call);
    EXPECT_TRUE(meeting.sign_in);

    ASSERT_TRUE(list);
    EXPECT_EQ(Body(list), "<?xml version=\"1.0\"?><turnServers total=\"1\"><turnServer id=\"" + id +
                              "\"><serverAddress>172.16.85.168</serverAddress><clientAddress>"
                              "10.88.246.156</clientAddress></turnServer></turnServers>");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    EXPECT_TRUE(refused->headers.Get("WWW-Authenticate").has_value());

    ASSERT_TRUE(status);
    const std::string xml = Body(status);
    EXPECT_NE(xml.find("<status>success</status>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<address>172.16.85.168</address><portNumber>3478</portNumber>"
                       "<reachable>true</reachable>"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<mappedAddress>172.16.85.180</mappedAddress>"), std::string::npos) << xml;
    // The round trip is the scripted delay plus the wire and the first ARP exchange, in
    // simulated time.
    const auto rtt_at = xml.find("<roundTripTimeMs>");
    ASSERT_NE(rtt_at, std::string::npos);
    const int rtt = std::stoi(xml.substr(rtt_at + 17));
    EXPECT_GE(rtt, 52);
    EXPECT_LE(rtt, 75); // ns-3 delays ARP requests by up to 10 ms
    EXPECT_GE(m_stun_requests, 1);

    const auto st = m_app->Status();
    EXPECT_TRUE(st["cms"]["faults"].empty());
    EXPECT_TRUE(st["cms"]["alarms"].empty());
    EXPECT_EQ(st["cms"]["web_bridge_link"]["state"], "up");
    EXPECT_EQ(st["cms"]["turn_servers"][0]["status"]["reachable"], true);
    EXPECT_TRUE(
        LogHas("web bridge link 1: connection to \"cmsweb.cms.octavio.local\" established"));
}

TEST_F(CmsAppTest, UnresolvableWebBridgeHidesJoinCall) {
    auto settings = ReferenceSettings();
    settings.web_bridge.guest_account_client_uri = "https://cmsweb-missing.cms.octavio.local";
    StartCms(settings);
    std::optional<http::Response> page;
    using namespace std::chrono_literals;
    Fetch("vcsc", Endpoint{Ip("172.16.85.180"), 443}, "cmsweb.octavio.com",
          Get("cmsweb.octavio.com", "/"), 5s, page);
    m_world->RunFor(15);
    EXPECT_FALSE(m_app->LinkUp());
    ASSERT_TRUE(page);
    EXPECT_FALSE(webapp::ReadMeetingPage(Body(page)).join_call);
    EXPECT_EQ(webapp::ReadMeetingPage(Body(page)).title, "Meeting");
    const auto st = m_app->Status();
    ASSERT_EQ(st["cms"]["faults"].size(), 1u);
    EXPECT_EQ(st["cms"]["faults"][0],
              "Web bridge connection to \"cmsweb-missing.cms.octavio.local\" failed (DNS failure)");
    EXPECT_EQ(st["cms"]["alarms"][0], "guestAccountConnectionFailure");
    EXPECT_TRUE(LogHas(
        "web bridge link 1: name resolution for \"cmsweb-missing.cms.octavio.local\" failed"));
    EXPECT_TRUE(LogHas("failed to establish connection to web bridge link 1 (unknown error)"));
    // It tried again after the retry interval.
    EXPECT_TRUE(LogHas("web bridge link 2: name resolution for"));
}

TEST_F(CmsAppTest, RefusedConnectionIsAConnectFailure) {
    auto settings = ReferenceSettings();
    // Resolves (to Expressway-C), but nothing listens there on 443.
    settings.web_bridge.guest_account_client_uri = "https://vcsc.octavio.local";
    StartCms(settings);
    m_world->RunFor(5);
    EXPECT_FALSE(m_app->LinkUp());
    const auto st = m_app->Status();
    ASSERT_EQ(st["cms"]["faults"].size(), 1u);
    EXPECT_EQ(st["cms"]["faults"][0],
              "Web bridge connection to \"vcsc.octavio.local\" failed (connect failure)");
    EXPECT_TRUE(LogHas("failed to establish connection to web bridge link 1 (unknown error)"));
    EXPECT_FALSE(LogHas("name resolution"));
}

TEST_F(CmsAppTest, WebBridgeNotTrustingTheCallBridge) {
    auto settings = ReferenceSettings();
    settings.c2w_trust = {LabPki().stranger.certificate};
    StartCms(settings);
    m_world->RunFor(5);
    EXPECT_FALSE(m_app->LinkUp());
    const auto st = m_app->Status();
    ASSERT_EQ(st["cms"]["faults"].size(), 1u);
    EXPECT_EQ(st["cms"]["faults"][0],
              "Web bridge connection to \"cmsweb.cms.octavio.local\" failed (connect failure)");
    EXPECT_EQ(st["cms"]["alarms"][0], "guestAccountConnectionFailure");
}

TEST_F(CmsAppTest, GuestJoinsOverHttpsAndWebSocket) {
    StartCms(ReferenceSettings());
    StartStunPeer(std::chrono::milliseconds(1));
    m_world->RunFor(3);
    ASSERT_TRUE(m_app->LinkUp());

    // The join form's login, then the signaling channel it names, from Expressway-C's
    // address as the proxied browser would come.
    tls::ContextConfig config;
    config.role = tls::Role::Client;
    config.trust_anchors = {LabPki().ca};
    config.verify = tls::VerifyMode::Require;
    Rng rng(5);
    auto ctx = tls::Context::Create(config, rng);
    ASSERT_TRUE(ctx);
    auto connect = [&] {
        tls::EndpointOptions options;
        options.server_name = "cmsweb.octavio.com";
        options.verify_time = net::WallClockSeconds(m_world->EpochUnixSeconds());
        auto tcp =
            net::TcpStream::Connect(m_world->GetNode("vcsc"), Endpoint{Ip("172.16.85.180"), 443});
        return std::make_unique<net::HttpClientSession>(
            net::TlsStream::Client(std::move(tcp), *ctx, options, Rng(6)), Rng(7));
    };
    std::optional<webapp::JoinAnswer> login;
    auto form = connect();
    http::Request post;
    post.method = "POST";
    post.target = webapp::kGuestLoginPath;
    post.headers.Add("Host", "cmsweb.octavio.com");
    post.headers.Add("Content-Type", webapp::kFormContentType);
    const std::string body = webapp::EncodeForm(webapp::GuestLoginRequest{"100101", "", "Guest"});
    post.body.assign(body.begin(), body.end());
    form->Send(post, [&](Expected<http::Response> r) {
        ASSERT_TRUE(r) << r.Message();
        auto answer = webapp::DecodeJoinAnswer(std::string(r->body.begin(), r->body.end()));
        ASSERT_TRUE(answer) << answer.Message();
        login = *answer;
    });
    m_world->RunFor(1);
    ASSERT_TRUE(login);
    ASSERT_TRUE(login->Ok()) << login->message;

    std::unique_ptr<net::WebSocketSession> ws;
    std::vector<std::string> received;
    auto channel = connect();
    channel->UpgradeToWebSocket(
        "cmsweb.octavio.com", login->signaling_url, "https://cmsweb.octavio.com",
        {webapp::kSignalingProtocol}, [&](net::WebSocketUpgradeResult result) {
            ASSERT_TRUE(result.session) << result.error;
            ws = std::move(result.session);
            ws->SetOnMessage([&](const net::WebSocketMessage& m) { received.push_back(m.text); });
            ws->Send(webapp::EncodeSignaling(webapp::JoinMessage{login->session, "Guest"}));
        });
    // The join's steps (user, session, call) take about 4.6 s with the default times.
    m_world->RunFor(6);
    ASSERT_TRUE(ws);
    // The joined answer first, then the Call Bridge's own media parameters: its ICE
    // credentials and its DTLS fingerprint with setup active (it starts DTLS).
    ASSERT_GE(received.size(), 3u);
    auto joined = webapp::DecodeSignaling(received[0]);
    ASSERT_TRUE(joined) << received[0];
    const auto& j = std::get<webapp::JoinedMessage>(*joined);
    EXPECT_EQ(j.space_name, "Proxy webRTC");
    ASSERT_EQ(j.ice_servers.size(), 1u);
    EXPECT_EQ(j.ice_servers[0].urls[0], "turn:10.88.246.156:3478?transport=udp");
    EXPECT_EQ(j.ice_servers[0].credential, "cisco");
    auto ice_parameters = webapp::DecodeSignaling(received[1]);
    ASSERT_TRUE(ice_parameters);
    EXPECT_TRUE(std::holds_alternative<webapp::IceParametersMessage>(*ice_parameters));
    auto dtls = webapp::DecodeSignaling(received[2]);
    ASSERT_TRUE(dtls);
    ASSERT_TRUE(std::holds_alternative<webapp::DtlsMessage>(*dtls));
    EXPECT_EQ(std::get<webapp::DtlsMessage>(*dtls).setup, webapp::DtlsSetup::Active);
    const std::size_t before_leave = received.size();

    ws->Send(webapp::EncodeSignaling(webapp::LeaveMessage{"hang up"}));
    m_world->RunFor(1);
    ASSERT_GT(received.size(), before_leave);
    EXPECT_NE(received[before_leave].find("\"bye\""), std::string::npos);

    // The product's lines, in order, after the timestamp and level.
    std::vector<std::string> texts;
    for (const auto& line : CmsLog())
        texts.push_back(line.substr(line.find(": ") + 2));
    const std::string jid = login->guest_jid;
    const std::vector<std::string> expected_in_order = {
        "web bridge link 1: new guest login request 1 received",
        "guest login request 1: passcode resolution scheduled",
        "guest login request 1: resolution in progress",
        "guest login request 1: credential storage scheduled (queue length: 1)",
        "created guest account with user ID \"" + jid + "\"",
        "guest login request 1: credential storage executed",
        "guest login request 1: credential storage in progress",
        "guest login request 1: successfully stored credentials",
        "web bridge link 1: guest login request 1: response written",
        "successful login request from " + jid,
        "instantiating user \"" + jid + "\"",
        "new session created for user \"" + jid + "\"",
        "call 1: allocated for " + jid + " \"Web client\" conference participation",
        "call 1: setting up combined RTP session for DTLS (combined media and control)",
        "participant \"" + jid + "\" joined space " + j.space_id + " (Proxy webRTC)",
        "call 1: tearing down (\"Web client\" conference participation)",
        "destroying guest account with user ID \"" + jid + "\"",
    };
    std::size_t at = 0;
    for (const auto& text : texts)
        if (at < expected_in_order.size() && text == expected_in_order[at])
            ++at;
    EXPECT_EQ(at, expected_in_order.size())
        << "missing: " << (at < expected_in_order.size() ? expected_in_order[at] : "") << "\n"
        << ::testing::PrintToString(texts);
    ws.reset();
    form.reset();
    channel.reset();
}
