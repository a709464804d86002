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

    world.RunFor(60);
    (*guest)->Finish();
    const outcome::Outcome result = (*guest)->Result();
    std::string stages;
    for (const auto& r : result.stages)
        stages += std::string(outcome::StageKey(r.stage)) + " " +
                  outcome::StageStatusName(r.status) + " " + r.detail + "\n";

    // What the browser can do today: up to the relay, against the real boxes (ICE, DTLS
    // and media are not carried out by the browser yet).
    for (Stage stage : {Stage::Dns, Stage::Tcp, Stage::Tls, Stage::Certificate, Stage::Http,
                        Stage::WebBridge, Stage::GuestLogin, Stage::Turn})
        EXPECT_EQ(result.Get(stage).status, StageStatus::Ok) << stages;
    EXPECT_EQ(result.Get(Stage::Dns).detail, "cmsweb.octavio.com -> 10.88.246.156");
    EXPECT_EQ(world.Devices().at("guest-pc"), std::vector<std::string>{"browser"});

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
