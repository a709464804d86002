// The CMS wired from scenario files (scenarios/reference.json and a variant with a
// mistake), next to the Expressways: the c2w link, the turnServers probe of the real
// Expressway-E TURN server, the status page.
#include "cms/cms_app.h"
#include "expressway_c_app.h"
#include "expressway_e_app.h"
#include "http_client_session.h"
#include "scenario/loader.h"
#include "scenario_pki.h"
#include "sim_time.h"
#include "tcp_stream.h"
#include "tls/context.h"
#include "tls_stream.h"
#include "webapp/guest_join.h"
#include "webapp/paths.h"
#include "webapp/signaling.h"
#include "websocket_session.h"
#include "wire_cms.h"
#include "wire_expressway.h"
#include "world.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cmslab;

namespace {

std::string ReferenceText() {
    std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

namespace net = devices::net;

struct LabRun {
    std::vector<pki::Certificate> lab_ca;
    std::unique_ptr<network::World> world;
    ns3::Ptr<cms::CmsApp> cms;
    network::ExpresswayApps expressways;
};

void Start(const std::string& text, LabRun& run) {
    const auto loaded = scenario::LoadScenarioFromString(text, "test.json");
    ASSERT_TRUE(loaded.Ok()) << loaded.Report();
    network::BuildOptions options; // no files: logs in memory
    auto world = network::World::Build(*loaded.scenario, options);
    ASSERT_TRUE(world) << world.Message();
    run.world = std::move(*world);
    ASSERT_TRUE(run.world->StartDnsServers());
    auto pki = network::ScenarioPki::Issue(run.world->Scenario().pki, run.world->Seed());
    ASSERT_TRUE(pki) << pki.Message();
    run.lab_ca = pki->TrustAnchors({"lab-ca"});
    auto expressways = network::StartExpressways(*run.world, *pki);
    ASSERT_TRUE(expressways) << expressways.Message();
    run.expressways = *expressways;
    auto apps = network::StartCms(*run.world, *pki);
    ASSERT_TRUE(apps) << apps.Message();
    ASSERT_EQ(apps->size(), 1u);
    run.cms = apps->at("cms");
}

} // namespace

TEST(WireCms, ReferenceScenario) {
    LabRun run;
    Start(ReferenceText(), run);
    run.world->RunFor(8);
    const auto status = run.world->Status("cms");
    const auto& cms = status["cms"];
    EXPECT_TRUE(cms["faults"].empty()) << status.dump(2);
    EXPECT_EQ(cms["web_bridge_link"]["state"], "up") << status.dump(2);
    ASSERT_EQ(cms["turn_servers"].size(), 1u) << status.dump(2);
    const auto& turn = cms["turn_servers"][0];
    EXPECT_EQ(turn["serverAddress"], "172.16.85.168");
    EXPECT_EQ(turn["clientAddress"], "10.88.246.156");
    EXPECT_EQ(turn["status"]["reachable"], true) << status.dump(2);
    EXPECT_EQ(turn["status"]["mappedAddress"], "172.16.85.180");
    EXPECT_TRUE(run.world->Devices().at("cms") == std::vector<std::string>{"cms"});
    run.cms = nullptr;
    run.world.reset();
}

TEST(WireCms, UnresolvableGuestAccountClientUri) {
    auto j = nlohmann::json::parse(ReferenceText());
    for (auto& node : j["nodes"])
        if (node["role"] == "cms")
            node["config"]["web_bridge"]["guest_account_client_uri"] =
                "https://cmsweb.cms.octavio.lab";
    LabRun run;
    Start(j.dump(), run);
    run.world->RunFor(8);
    const auto status = run.world->Status("cms");
    const auto& cms = status["cms"];
    ASSERT_EQ(cms["faults"].size(), 1u) << status.dump(2);
    EXPECT_EQ(cms["faults"][0],
              "Web bridge connection to \"cmsweb.cms.octavio.lab\" failed (DNS failure)");
    EXPECT_EQ(cms["alarms"][0], "guestAccountConnectionFailure");
    // The reference's CMS is at web bridge link 3 when the lab starts (its `counters`).
    bool logged = false;
    for (const auto& line : run.world->Log("cms")->Lines())
        logged |=
            line.find("web bridge link 3: name resolution for \"cmsweb.cms.octavio.lab\" failed") !=
            std::string::npos;
    EXPECT_TRUE(logged);
    run.cms = nullptr;
    run.world.reset();
}

TEST(WireCms, WrongTurnPasswordInTheApiIsIceFailure4) {
    auto j = nlohmann::json::parse(ReferenceText());
    for (auto& node : j["nodes"])
        if (node["role"] == "cms")
            node["config"]["turn_servers"][0]["password"] = "not-cisco";
    LabRun run;
    Start(j.dump(), run);
    run.world->RunFor(3);

    // A guest logs in and joins straight at the web bridge (from Expressway-C's node).
    tls::ContextConfig config;
    config.role = tls::Role::Client;
    config.trust_anchors = run.lab_ca;
    config.verify = tls::VerifyMode::Require;
    Rng rng(5);
    auto ctx = tls::Context::Create(config, rng);
    ASSERT_TRUE(ctx) << ctx.Message();
    auto connect = [&] {
        tls::EndpointOptions options;
        options.server_name = "cmsweb.octavio.com";
        options.verify_time = net::WallClockSeconds(run.world->EpochUnixSeconds());
        auto tcp = net::TcpStream::Connect(run.world->GetNode("vcsc"),
                                           Endpoint{*IpAddress::Parse("172.16.85.180"), 443});
        return std::make_unique<net::HttpClientSession>(
            net::TlsStream::Client(std::move(tcp), *ctx, options, Rng(6)), Rng(7));
    };
    std::optional<webapp::JoinAnswer> login;
    auto form = connect();
    http::Request post;
    post.method = "POST";
    post.target = webapp::kGuestLoginPath;
    post.headers.Add("Host", "cmsweb.octavio.com");
    const std::string body = webapp::EncodeForm(webapp::GuestLoginRequest{"100101", "", "Guest"});
    post.body.assign(body.begin(), body.end());
    form->Send(post, [&](Expected<http::Response> r) {
        ASSERT_TRUE(r) << r.Message();
        auto answer = webapp::DecodeJoinAnswer(std::string(r->body.begin(), r->body.end()));
        ASSERT_TRUE(answer) << answer.Message();
        login = *answer;
    });
    run.world->RunFor(1);
    ASSERT_TRUE(login && login->Ok());
    std::unique_ptr<net::WebSocketSession> ws;
    auto channel = connect();
    channel->UpgradeToWebSocket(
        "cmsweb.octavio.com", login->signaling_url, "https://cmsweb.octavio.com",
        {webapp::kSignalingProtocol}, [&](net::WebSocketUpgradeResult result) {
            ASSERT_TRUE(result.session) << result.error;
            ws = std::move(result.session);
            ws->Send(webapp::EncodeSignaling(webapp::JoinMessage{login->session, "Guest"}));
        });
    // The join's steps take about 4.6 s (the reference log's gaps) before the call and its
    // TURN allocation; the reference's CMS numbers that call 6 (its `counters`).
    run.world->RunFor(8);
    ASSERT_TRUE(ws);
    bool failure = false;
    for (const auto& line : run.world->Log("cms")->Lines())
        failure |= line.find("call 6: ICE failure 4 (unauthorized - check credentials)") !=
                   std::string::npos;
    EXPECT_TRUE(failure) << ::testing::PrintToString(run.world->Log("cms")->Lines());
    ws.reset();
    form.reset();
    channel.reset();
    run.cms = nullptr;
    run.world.reset();
}
