#include "outcome/summary_writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace cmslab;
using namespace cmslab::outcome;
using namespace std::chrono_literals;

namespace {

Outcome SampleOutcome() {
    StageRecorder recorder;
    recorder.Ok(Stage::Dns, 1ms, "cmsweb.example.com A 10.0.0.5");
    recorder.Ok(Stage::Tcp, 2ms, "connected to 10.0.0.5:443");
    recorder.Ok(Stage::Tls, 5ms, "TLSv1.3");
    recorder.Fail(Stage::Certificate, 5ms,
                  "62 hostname mismatch; SAN: vcse.example.com, vcsc.example.local");
    Outcome outcome;
    outcome.stages = recorder.All();
    outcome.guest_view.screen = Screen::CertificateWarning;
    outcome.guest_view.url = "https://cmsweb.example.com/";
    outcome.guest_view.security = "Not secure";
    outcome.guest_view.title = "Your connection is not private";
    outcome.guest_view.text = "This server could not prove that it is cmsweb.example.com";
    outcome.guest_view.error_code = "NET::ERR_CERT_COMMON_NAME_INVALID";
    outcome.media.sent.Count(172);
    outcome.media.sent.Count(172);
    outcome.media.received.Count(180);
    outcome.media.protection = "srtp";
    return outcome;
}

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
    std::vector<std::string> keys;
    for (auto it = object.begin(); it != object.end(); ++it)
        keys.push_back(it.key());
    return keys;
}

} // namespace

TEST(SummaryWriter, ShapeAndKeyOrder) {
    SummaryWriter writer({"reference", 42}, SampleOutcome());
    nlohmann::json extra = {{"simulated_s", 60.0}, {"seed", 7}, {"files", {{"a", "b"}}}};
    writer.AddExtra(extra);
    const auto json = writer.Json();

    EXPECT_EQ(Keys(json), (std::vector<std::string>{"scenario", "seed", "stages", "guest_view",
                                                    "media", "files", "simulated_s"}));
    EXPECT_EQ(json["scenario"], "reference");
    EXPECT_EQ(json["seed"], 42u) << "extra must not overwrite the run's seed";

    EXPECT_EQ(Keys(json["stages"]),
              (std::vector<std::string>{"dns", "tcp", "tls", "certificate", "http", "web_bridge",
                                        "guest_login", "turn", "ice", "dtls", "media"}));
    for (const auto& [key, stage] : json["stages"].items())
        EXPECT_EQ(Keys(stage), (std::vector<std::string>{"status", "t_ms", "detail"})) << key;
    EXPECT_EQ(json["stages"]["dns"]["status"], "ok");
    EXPECT_EQ(json["stages"]["dns"]["t_ms"], 1.0);
    EXPECT_EQ(json["stages"]["certificate"]["status"], "failed");
    EXPECT_EQ(json["stages"]["certificate"]["t_ms"], 5.0);
    EXPECT_NE(json["stages"]["certificate"]["detail"].get<std::string>().find("vcse.example.com"),
              std::string::npos);
    EXPECT_EQ(json["stages"]["http"]["status"], "not_reached");
    EXPECT_TRUE(json["stages"]["http"]["t_ms"].is_null());

    EXPECT_EQ(json["guest_view"]["screen"], "certificate_warning");
    EXPECT_EQ(json["guest_view"]["security"], "Not secure");
    EXPECT_EQ(json["guest_view"]["title"], "Your connection is not private");

    EXPECT_EQ(json["media"]["sent"]["packets"], 2u);
    EXPECT_EQ(json["media"]["sent"]["bytes"], 344u);
    EXPECT_EQ(json["media"]["received"]["packets"], 1u);
    EXPECT_EQ(json["media"]["received"]["bytes"], 180u);
    EXPECT_EQ(json["media"]["protection"], "srtp");
}

TEST(SummaryWriter, SameOutcomeSameText) {
    SummaryWriter a({"reference", 1}, SampleOutcome());
    SummaryWriter b({"reference", 1}, SampleOutcome());
    EXPECT_EQ(a.Text(), b.Text());
    EXPECT_EQ(a.Text().back(), '\n');
}

TEST(SummaryWriter, WritesFileThatReadsBack) {
    char dir_template[] = "/tmp/outcome_test_XXXXXX";
    const char* dir = mkdtemp(dir_template);
    ASSERT_NE(dir, nullptr);
    const std::string path = std::string(dir) + "/summary.json";
    SummaryWriter writer({"reference", 9}, SampleOutcome());
    auto written = writer.Write(path);
    ASSERT_TRUE(written) << written.Message();

    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_EQ(text.str(), writer.Text());

    auto back = OutcomeFromJson(nlohmann::json::parse(text.str()));
    ASSERT_TRUE(back) << back.Message();
    const Outcome original = SampleOutcome();
    for (Stage stage : kAllStages)
        EXPECT_EQ(back->Get(stage), original.Get(stage)) << StageKey(stage);
    EXPECT_EQ(back->guest_view, original.guest_view);
    EXPECT_EQ(back->media, original.media);

    std::remove(path.c_str());
    rmdir(dir);
}

TEST(SummaryWriter, WriteToMissingFolderIsAnError) {
    SummaryWriter writer({"reference", 9}, SampleOutcome());
    auto written = writer.Write("/nonexistent-outcome-dir/x/summary.json");
    EXPECT_FALSE(written);
}

TEST(OutcomeFromJson, NamesWhatIsWrong) {
    SummaryWriter writer({"reference", 1}, SampleOutcome());
    nlohmann::json good = nlohmann::json::parse(writer.Text());

    auto missing_stage = good;
    missing_stage["stages"].erase("ice");
    auto r1 = OutcomeFromJson(missing_stage);
    ASSERT_FALSE(r1);
    EXPECT_NE(r1.Message().find("stages.ice"), std::string::npos) << r1.Message();

    auto bad_status = good;
    bad_status["stages"]["dns"]["status"] = "fine";
    auto r2 = OutcomeFromJson(bad_status);
    ASSERT_FALSE(r2);
    EXPECT_NE(r2.Message().find("stages.dns.status"), std::string::npos) << r2.Message();

    auto bad_screen = good;
    bad_screen["guest_view"]["screen"] = "happy";
    EXPECT_FALSE(OutcomeFromJson(bad_screen));

    auto bad_media = good;
    bad_media["media"]["sent"]["bytes"] = -3;
    EXPECT_FALSE(OutcomeFromJson(bad_media));

    auto no_time = good;
    no_time["stages"]["tcp"]["t_ms"] = nullptr;
    EXPECT_FALSE(OutcomeFromJson(no_time));

    EXPECT_FALSE(OutcomeFromJson(nlohmann::json::array()));
}

TEST(OutcomeFromJson, GeneratedDamageNeverThrows) {
    SummaryWriter writer({"reference", 1}, SampleOutcome());
    const nlohmann::json good = nlohmann::json::parse(writer.Text());
    const nlohmann::json junk[] = {
        nullptr, 1, -1, 1.5, "x", nlohmann::json::array(), nlohmann::json::object(), true, 1e300};
    std::size_t rejected = 0;
    // Replace every value at every depth of the summary with every kind of junk.
    const auto flat = good.flatten();
    for (const auto& [pointer, value] : flat.items()) {
        for (const auto& j : junk) {
            auto damaged = good;
            damaged[nlohmann::json::json_pointer(pointer)] = j;
            auto result = OutcomeFromJson(damaged);
            rejected += result ? 0 : 1;
        }
    }
    EXPECT_GT(rejected, flat.size());
}

TEST(ScreenName, RoundTripsAndMatchesScenarioVocabulary) {
    for (const char* name : {"in_call", "bad_request", "certificate_warning", "no_join_button",
                             "connecting_timeout", "site_unreachable", "join_refused"}) {
        auto screen = ScreenFromName(name);
        ASSERT_TRUE(screen) << name;
        EXPECT_STREQ(ScreenName(*screen), name);
    }
    EXPECT_FALSE(ScreenFromName("In call"));
}
