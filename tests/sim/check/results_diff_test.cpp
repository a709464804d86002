// What `cmslab diff` shows between two results folders, and the normalisation that keeps
// run-specific values (clock, random identifiers, ephemeral ports) out of it.
#include "check/normalise.h"
#include "check/results_diff.h"
#include "check/run_files.h"
#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace cmslab::check {
namespace {

using nlohmann::json;

TEST(Normalise, TimeStampIsRemovedFromLogLines) {
    EXPECT_EQ(NormaliseLogLine("2017-05-20 10:00:01.063 Info: call 1: allocated"),
              "Info: call 1: allocated");
    EXPECT_EQ(NormaliseLogLine("no stamp here"), "no stamp here");
}

TEST(Normalise, RandomIdentifiersBecomePlaceholders) {
    EXPECT_EQ(NormaliseText("joined space ecfdf58e-3a61-4d43-bdcc-236e0e4da181 (Proxy webRTC)"),
              "joined space <uuid> (Proxy webRTC)");
    EXPECT_EQ(NormaliseText("user ID \"guest3804072848@cms.example.local\""),
              "user ID \"guest<id>@cms.example.local\"");
    EXPECT_EQ(NormaliseText("{\"pwd\":\"oZ5QNo9WZivZh0tRiOHNQK24\",\"type\":\"ice-parameters\","
                            "\"ufrag\":\"R/Fq\"}"),
              "{\"pwd\":\"<token>\",\"type\":\"ice-parameters\",\"ufrag\":\"<token>\"}");
    EXPECT_EQ(NormaliseText("fingerprint 09:5F:6F:99:B3:E6:6F:CA:C6:F3:1B:81:FA:20:36:EB"),
              "fingerprint <fingerprint>");
    EXPECT_EQ(NormaliseText("session ddcc67fe57963af6ccfe257cb7ae20f2"), "session <hex>");
}

TEST(Normalise, EphemeralPortsGoConfiguredPortsStay) {
    EXPECT_EQ(NormaliseText("from 198.51.100.7:49153 -> 203.0.113.5:3478"),
              "from 198.51.100.7:<port> -> 203.0.113.5:3478");
    EXPECT_EQ(NormaliseText("relay 203.0.113.5:29906 on port 24377, listening on port 443"),
              "relay 203.0.113.5:<port> on port <port>, listening on port 443");
    EXPECT_EQ(NormaliseText("media port range 24000-29999"), "media port range 24000-29999");
}

TEST(Normalise, MeasuredDurationsGoWholeNumbersStay) {
    EXPECT_EQ(NormaliseText("response 1 after 0.479 ms"), "response 1 after <time> ms");
    EXPECT_EQ(NormaliseText("no media 30 s after joining"), "no media 30 s after joining");
}

TEST(Normalise, ConfigurationTextIsLeftAlone) {
    for (const char* text : {"Success: address cmsweb.example.com resolved successfully",
                             "TURN server listening on 192.0.2.168:3478 (UDP and TCP)",
                             "call ID 100101: POST /api/guest/call -> 403",
                             "ICE failure 4 (unauthorized - check credentials)"})
        EXPECT_EQ(NormaliseText(text), text);
}

struct Folder {
    explicit Folder(const std::string& prefix) : dir(prefix) {
        std::filesystem::create_directories(dir.File("logs"));
        std::filesystem::create_directories(dir.File("status"));
    }
    void Summary(const std::string& ice, const std::string& ice_detail, const std::string& screen) {
        json s = {{"stages",
                   {{"dns", {{"status", "ok"}, {"detail", "cmsweb -> 203.0.113.5"}}},
                    {"turn", {{"status", "ok"}, {"detail", "relay 203.0.113.5:29906"}}},
                    {"ice", {{"status", ice}, {"detail", ice_detail}}}}},
                  {"guest_view", {{"screen", screen}}}};
        dir.Write("summary.json", s.dump());
    }
    testkit::TempDir dir;
};

TEST(DiffResults, SameOutcomeWithOtherClockIdsAndPortsIsNoDifference) {
    Folder a("cmslab-diff-a"), b("cmslab-diff-b");
    a.Summary("ok", "pair succeeded", "in_call");
    b.Summary("ok", "pair succeeded", "in_call");
    // Only the relay port differs in the details.
    json s = json::parse(testkit::ReadFile(b.dir.File("summary.json")));
    s["stages"]["turn"]["detail"] = "relay 203.0.113.5:24377";
    b.dir.Write("summary.json", s.dump());
    a.dir.Write("logs/cms.log",
                "2017-05-20 10:00:01.064 Info: created guest account guest3804072848@x\n");
    b.dir.Write("logs/cms.log",
                "2017-05-20 10:00:02.500 Info: created guest account guest1111111111@x\n");
    a.dir.Write(
        "status/cms.json",
        json{{"cms", {{"id", "ecfdf58e-3a61-4d43-bdcc-236e0e4da181"}, {"mappedPortNumber", 49156}}}}
            .dump());
    b.dir.Write(
        "status/cms.json",
        json{{"cms", {{"id", "0b7c2f3e-1111-4d43-bdcc-236e0e4da181"}, {"mappedPortNumber", 49180}}}}
            .dump());
    const ResultsDiff d = DiffResults(a.dir.Path(), b.dir.Path());
    EXPECT_TRUE(d.Empty()) << d.Text("A", "B");
    EXPECT_EQ(d.Text("A", "B"), "no difference\n");
}

TEST(DiffResults, StageScreenLogAndStatusChangesShow) {
    Folder a("cmslab-diff-a"), b("cmslab-diff-b");
    a.Summary("ok", "pair succeeded", "in_call");
    b.Summary("failed", "no media 30 s after joining", "connecting_timeout");
    a.dir.Write("logs/cms.log", "2017-05-20 10:00:01.000 Info: call 1: allocated\n"
                                "2017-05-20 10:00:02.000 Info: call 1: starting DTLS\n");
    b.dir.Write("logs/cms.log", "2017-05-20 10:00:01.000 Info: call 1: allocated\n"
                                "2017-05-20 10:00:10.000 Warning: call 1: ICE failure 4\n");
    a.dir.Write("logs/vcse.log", "x\n");
    a.dir.Write("status/cms.json",
                json{{"cms", {{"faults", json::array()}, {"port", 443}}}}.dump());
    b.dir.Write(
        "status/cms.json",
        json{{"cms", {{"faults", json::array({"TURN unreachable"})}, {"port", 443}}}}.dump());
    const ResultsDiff d = DiffResults(a.dir.Path(), b.dir.Path());
    ASSERT_FALSE(d.Empty());
    ASSERT_EQ(d.stages.size(), 1u);
    EXPECT_EQ(d.stages[0].stage, "ice");
    EXPECT_EQ(d.stages[0].status_a, "ok");
    EXPECT_EQ(d.stages[0].status_b, "failed");
    EXPECT_EQ(d.screen_a, "in_call");
    EXPECT_EQ(d.screen_b, "connecting_timeout");
    ASSERT_EQ(d.logs.size(), 2u);
    EXPECT_EQ(d.logs[0].node, "cms");
    EXPECT_EQ(d.logs[0].removed, std::vector<std::string>{"Info: call 1: starting DTLS"});
    EXPECT_EQ(d.logs[0].added, std::vector<std::string>{"Warning: call 1: ICE failure 4"});
    EXPECT_EQ(d.logs[1].node, "vcse");
    EXPECT_TRUE(d.logs[1].missing_b);
    ASSERT_EQ(d.status.size(), 2u);
    EXPECT_EQ(d.status[0].pointer, "/cms/faults");
    EXPECT_EQ(d.status[0].value_a, "[]");
    EXPECT_EQ(d.status[0].value_b, "");
    EXPECT_EQ(d.status[1].pointer, "/cms/faults/0");
    EXPECT_EQ(d.status[1].value_b, "\"TURN unreachable\"");
    const std::string text = d.Text("A", "B");
    for (const char* part :
         {"stages:\n  ice: ok -> failed\n    A: pair succeeded\n    B: no media 30 s after "
          "joining\n",
          "guest view: in_call -> connecting_timeout\n",
          "logs/cms.log:\n  - Info: call 1: starting DTLS\n  + Warning: call 1: ICE failure 4\n",
          "logs/vcse.log: (only A wrote it)\n  - x\n",
          "status/cms.json:\n  /cms/faults: [] -> (absent)\n  /cms/faults/0: (absent) -> \"TURN "
          "unreachable\"\n"})
        EXPECT_NE(text.find(part), std::string::npos) << part << "\nnot in\n" << text;
}

TEST(DiffResults, RepeatedLinesCountAsMany) {
    Folder a("cmslab-diff-a"), b("cmslab-diff-b");
    a.Summary("ok", "", "in_call");
    b.Summary("ok", "", "in_call");
    a.dir.Write("logs/vcse.log", "turn: 401 Unauthorized (challenge)\n");
    b.dir.Write("logs/vcse.log",
                "turn: 401 Unauthorized (challenge)\nturn: 401 Unauthorized (challenge)\n");
    const ResultsDiff d = DiffResults(a.dir.Path(), b.dir.Path());
    ASSERT_EQ(d.logs.size(), 1u);
    EXPECT_TRUE(d.logs[0].removed.empty());
    EXPECT_EQ(d.logs[0].added, std::vector<std::string>{"turn: 401 Unauthorized (challenge)"});
}

TEST(DiffResults, FolderWithoutSummaryIsAProblem) {
    Folder a("cmslab-diff-a"), b("cmslab-diff-b");
    a.Summary("ok", "", "in_call");
    const ResultsDiff d = DiffResults(a.dir.Path(), b.dir.Path());
    ASSERT_EQ(d.problems.size(), 1u);
    EXPECT_NE(d.problems[0].find(b.dir.Path()), std::string::npos);
    EXPECT_FALSE(d.Empty());
}

TEST(NodeFiles, PagesOfAMomentAreNotNodes) {
    // status/<node>@<second>.json is a page taken during the run: the node is vcse alone,
    // compared through its page at the end.
    testkit::TempDir dir("nodefiles");
    std::filesystem::create_directories(dir.Path() + "/status");
    dir.Write("status/vcse.json", "{}");
    dir.Write("status/vcse@2.7.json", "{}");
    dir.Write("status/cms@2.7.json", "{}");
    EXPECT_EQ(NodeFiles(dir.Path() + "/status", ".json"), std::vector<std::string>{"vcse"});
}

} // namespace
} // namespace cmslab::check
