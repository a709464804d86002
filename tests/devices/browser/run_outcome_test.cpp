// The browser wired from the reference scenario (StartBrowser) on the network with the
// real box models, and its outcome written into summary.json.
#include "reference_network.h"
#include "scenario_pki.h"
#include "wire_browser.h"
#include "wire_cms.h"
#include "wire_expressway.h"
#include "world.h"

#include "cms/cms_app.h"
#include "expressway/expressway_c_app.h"
#include "expressway/expressway_e_app.h"
#include "outcome/outcome.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cmslab::network::test {
namespace {

using outcome::Stage;
using outcome::StageStatus;

TEST(RunOutcome, ReferenceDeploymentFromTheScenario) {
    char dir_template[] = "/tmp/cmslab-browser-run-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;

    BuildOptions options;
    options.out_dir = dir;
    auto built = World::Build(ReferenceNetwork(), options);
    ASSERT_TRUE(built) << built.Message();
    World& world = **built;
    ASSERT_TRUE(world.StartDnsServers());
    auto pki = ScenarioPki::Issue(world.Scenario().pki, world.Seed());
    ASSERT_TRUE(pki) << pki.Message();
    auto expressways = StartExpressways(world, *pki);
    ASSERT_TRUE(expressways) << expressways.Message();
    auto cms = StartCms(world, *pki);
    ASSERT_TRUE(cms) << cms.Message();
    auto guest = StartBrowser(world, *pki);
    ASSERT_TRUE(guest) << guest.Message();

    // In the call (the browser starts 1 s in; the CMS's login and join steps take about
    // 4.6 s, so media flows from about 6.3 s): the space lists the guest, and the call's
    // media runs both ways through the relays.
    world.RunFor(10);
    {
        const nlohmann::json status = cms->begin()->second->Status();
        ASSERT_EQ(status["cms"]["spaces"].size(), 1u);
        const auto& participants = status["cms"]["spaces"][0]["participants"];
        ASSERT_EQ(participants.size(), 1u) << status.dump(2);
        EXPECT_EQ(participants[0]["name"], "Guest");
        ASSERT_EQ(status["cms"]["calls"].size(), 1u) << status.dump(2);
        EXPECT_EQ(status["cms"]["calls"][0]["dtls"], "established");
        EXPECT_GT(status["cms"]["calls"][0]["media"]["packets_received"].get<int>(), 100);
    }
    world.RunFor(55);
    (*guest)->Finish();
    const outcome::Outcome result = (*guest)->Result();
    std::string stages;
    for (const auto& r : result.stages)
        stages += std::string(outcome::StageKey(r.stage)) + " " +
                  outcome::StageStatusName(r.status) + " " + r.detail + "\n";

    // The whole join against the real boxes: every stage, media both ways through the
    // two relays on Expressway-E (reflected by the edge firewall), the guest in the call.
    for (const auto& r : result.stages)
        EXPECT_EQ(r.status, StageStatus::Ok) << outcome::StageKey(r.stage) << "\n" << stages;
    EXPECT_EQ(result.stages.size(), 11u);
    EXPECT_EQ(result.Get(Stage::Dns).detail, "cmsweb.octavio.com -> 10.88.246.156");
    // Both candidates are relays advertised on the NAT address.
    EXPECT_EQ(result.Get(Stage::Ice).detail.rfind("pair 10.88.246.156:", 0), 0u)
        << result.Get(Stage::Ice).detail;
    EXPECT_NE(result.Get(Stage::Ice).detail.find(" <-> 10.88.246.156:"), std::string::npos);
    EXPECT_NE(result.Get(Stage::Dtls).detail.find("SRTP_AES128_CM_SHA1_80"), std::string::npos);
    // The scenario's 10 s of audio in 20 ms packets, each way, delivered. (A segment delay
    // of several ms would lose some: ns-3's CSMA channel is busy for the whole delay.)
    EXPECT_GE(result.media.sent.packets, 450u);
    EXPECT_GE(result.media.received.packets, 450u);
    EXPECT_EQ(result.media.protection, "srtp");
    EXPECT_EQ(result.guest_view.screen, outcome::Screen::InCall);
    EXPECT_EQ(world.Devices().at("guest-pc"), std::vector<std::string>{"browser"});

    // After the guest hung up, the CMS counted the ended call's media both ways.
    const nlohmann::json status = cms->begin()->second->Status();
    EXPECT_GE(status["cms"]["ended_calls_media"]["packets_received"].get<int>(), 450)
        << status.dump(2);
    EXPECT_GE(status["cms"]["ended_calls_media"]["packets_sent"].get<int>(), 450);
    EXPECT_EQ(status["cms"]["ended_calls_media"]["srtp_refused"], 0);

    auto written = WriteOutcomeSummary(world, dir, result, nlohmann::json{{"extra", 1}});
    ASSERT_TRUE(written) << written.Message();
    std::ifstream file(*written);
    const auto summary = nlohmann::json::parse(file);
    EXPECT_EQ(summary["scenario"], "reference");
    EXPECT_EQ(summary["stages"].size(), 11u);
    EXPECT_EQ(summary["stages"]["dns"]["status"], "ok");
    EXPECT_EQ(summary["extra"], 1);
    auto back = outcome::OutcomeFromJson(summary);
    ASSERT_TRUE(back) << back.Message();
    EXPECT_EQ(back->guest_view, result.guest_view);
    if (std::getenv("CMSLAB_SHOW"))
        std::cout << stages;

    guest->reset();
    built->reset();
    if (!::testing::Test::HasFailure())
        std::filesystem::remove_all(dir);
}

} // namespace
} // namespace cmslab::network::test
