// `cmslab run` as a person runs it: the built binary, a results folder, exit codes.
#include "support/process.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace cmslab::network {
namespace {

namespace fs = std::filesystem;

class RunCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir_template[] = "/tmp/cmslab-run-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        m_dir = dir_template;
        ASSERT_TRUE(fs::exists(Binary())) << Binary() << " is not built";
    }
    void TearDown() override { fs::remove_all(m_dir); }

    static std::string Binary() { return std::string(CMSLAB_BINARY_DIR) + "/cmslab"; }
    static std::string Reference() {
        return std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json";
    }

    // Runs `cmslab run <args>` from the temp folder, bounded in time; the exit status.
    int Run(const std::string& args) {
        const std::string command = "cd '" + m_dir + "' && timeout 100 '" + Binary() + "' run " +
                                    args + " >'" + m_dir + "/stdout.txt' 2>'" + m_dir +
                                    "/stderr.txt'";
        const int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::string Read(const std::string& relative) {
        std::ifstream in(m_dir + "/" + relative);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    nlohmann::json Json(const std::string& relative) {
        return nlohmann::json::parse(Read(relative), nullptr, false);
    }

    std::string m_dir;
};

// The reference's login lines with the numbers its CMS had reached (scenarios/reference.json
// `counters`), in the product's order, written as the Call Bridge's steps happened:
// spread over more than a second, as the reference log spreads them over about five.
void ExpectLoginLinesTakeTheirTime(const std::string& cms_log) {
    const std::vector<std::string> in_order = {
        "web bridge link 3: new guest login request 21 received",
        "guest login request 21: passcode resolution scheduled",
        "guest login request 21: resolution in progress",
        "guest login request 21: credential storage scheduled (queue length: 1)",
        "created guest account with user ID",
        "guest login request 21: credential storage executed",
        "guest login request 21: credential storage in progress",
        "guest login request 21: successfully stored credentials",
        "web bridge link 3: guest login request 21: response written",
        "successful login request from",
        "instantiating user",
        "new session created for user",
        "call 6: allocated for",
        "call 6: setting up combined RTP session for DTLS (combined media and control)",
    };
    // "2017-05-20 10:00:07.123 Info: <text>": seconds of the day of each line found.
    std::vector<double> seconds;
    std::size_t at = 0;
    for (const auto& text : in_order) {
        const std::size_t found = cms_log.find(" Info: " + text, at);
        ASSERT_NE(found, std::string::npos) << "\"" << text << "\" missing or out of order in\n"
                                            << cms_log;
        const std::size_t line = cms_log.rfind('\n', found) + 1; // npos + 1 == 0
        const std::string clock = cms_log.substr(line + 11, 12); // hh:mm:ss.mmm
        seconds.push_back(std::stoi(clock.substr(0, 2)) * 3600.0 +
                          std::stoi(clock.substr(3, 2)) * 60.0 + std::stod(clock.substr(6)));
        at = found + 1;
    }
    for (std::size_t i = 1; i < seconds.size(); ++i)
        EXPECT_GE(seconds[i], seconds[i - 1]) << in_order[i];
    EXPECT_GT(seconds.back() - seconds.front(), 1.0) << cms_log;
    // The answer to the browser's POST comes after the steps before it took their time.
    EXPECT_GT(seconds[8], seconds[0]) << cms_log;
}

TEST_F(RunCommandTest, WritesCapturesLogsStatusAndSummary) {
    ASSERT_EQ(Run("'" + Reference() + "' --out out --seed 7"), 0) << Read("stderr.txt");
    for (const char* network : {"internal", "dmz", "public", "guest"})
        EXPECT_TRUE(fs::exists(m_dir + "/out/pcap/" + network + ".pcap")) << network;
    for (const char* node :
         {"edge-fw", "guest-router", "ad-dns", "ext-dns", "cms", "vcsc", "vcse", "guest-pc"})
        EXPECT_TRUE(fs::exists(m_dir + "/out/logs/" + node + ".log")) << node;
    // The deployment's graph: every network with its prefix.
    const std::string dot = Read("out/topology.dot");
    EXPECT_NE(dot.find("graph"), std::string::npos) << dot;
    EXPECT_NE(dot.find("10.88.246.0/24"), std::string::npos) << dot;

    const nlohmann::json fw = Json("out/status/edge-fw.json");
    ASSERT_TRUE(fw.is_object()) << Read("out/status/edge-fw.json");
    EXPECT_EQ(fw["node"], "edge-fw");
    EXPECT_EQ(fw["role"], "nat_firewall");
    EXPECT_EQ(fw["nat"]["mappings"][0]["outside"], "10.88.246.156");
    EXPECT_EQ(fw["nat"]["mappings"][0]["inside"], "192.168.245.61");
    EXPECT_EQ(fw["firewall"]["rules"].size(), 4u);
    EXPECT_EQ(fw["firewall"]["default_inbound"], "deny");
    EXPECT_TRUE(fs::exists(m_dir + "/out/status/ext-dns.json"));

    const nlohmann::json summary = Json("out/summary.json");
    ASSERT_TRUE(summary.is_object()) << Read("out/summary.json");
    EXPECT_EQ(summary["scenario"], "reference");
    EXPECT_EQ(summary["seed"], 7);
    EXPECT_EQ(summary["start_time"], "2017-05-20T10:00:00Z");
    EXPECT_EQ(summary["simulated_duration_s"], 120);
    EXPECT_EQ(summary["captures"]["dmz"], "pcap/dmz.pcap");
    EXPECT_TRUE(summary["nat_firewalls"].contains("edge-fw"));
    // The guest join ran with every box: all its stages ok, the guest in the call, media
    // both ways.
    ASSERT_EQ(summary["stages"].size(), 11u) << summary.dump(2);
    for (const char* stage : {"dns", "tcp", "tls", "certificate", "http", "web_bridge",
                              "guest_login", "turn", "ice", "dtls", "media"})
        EXPECT_EQ(summary["stages"][stage]["status"], "ok") << stage << ": " << summary.dump(2);
    EXPECT_EQ(summary["guest_view"]["screen"], "in_call") << summary.dump(2);
    ASSERT_TRUE(summary["media"].is_object());
    EXPECT_GT(summary["media"]["sent"]["packets"].get<int>(), 0) << summary["media"].dump();
    EXPECT_GT(summary["media"]["sent"]["bytes"].get<int>(), 0);
    EXPECT_GT(summary["media"]["received"]["packets"].get<int>(), 0) << summary["media"].dump();
    EXPECT_GT(summary["media"]["received"]["bytes"].get<int>(), 0);
    EXPECT_EQ(summary["media"]["protection"], "srtp");

    // The CMS log of the join and the call, in the order of reference section 6.
    const std::string cms_log = Read("out/logs/cms.log");
    std::size_t at = 0;
    for (const char* line :
         {"new guest login request", "passcode resolution scheduled", "resolution in progress",
          "credential storage scheduled", "created guest account with user ID \"guest",
          "credential storage executed", "credential storage in progress",
          "successfully stored credentials", "response written",
          "successful login request from guest", "instantiating user \"guest",
          "new session created for user", "\"Web client\" conference participation",
          "setting up combined RTP session for DTLS (combined media and control)", "joined space",
          "(Proxy webRTC)", "starting DTLS combined media negotiation (as initiator)",
          "tearing down", "destroying guest account with user ID"}) {
        const std::size_t found = cms_log.find(line, at);
        ASSERT_NE(found, std::string::npos) << "\"" << line << "\" missing or out of order in\n"
                                            << cms_log;
        at = found;
    }
    EXPECT_EQ(cms_log.find("ICE failure"), std::string::npos) << cms_log;
    ExpectLoginLinesTakeTheirTime(cms_log);
    // The DTLS secret too (TLS 1.2 form), so Wireshark decrypts the DTLS handshake.
    EXPECT_NE(Read("out/sslkeys.log").find("CLIENT_RANDOM "), std::string::npos);
    for (const char* node : {"cms", "vcsc", "vcse"})
        EXPECT_TRUE(fs::exists(m_dir + "/out/status/" + std::string(node) + ".json")) << node;
    // Expressway-C's SSH tunnels status: the scenario's SIP domains in its order, then its
    // web bridge URLs, not sorted.
    const nlohmann::json scenario = nlohmann::json::parse(std::ifstream(Reference()));
    std::vector<std::string> configured;
    for (const auto& node : scenario["nodes"])
        if (node["role"] == "expressway_c") {
            for (const auto& d : node["config"]["sip_domains"])
                configured.push_back(d);
            for (const auto& u : node["config"]["meeting_server"]["guest_account_client_uris"])
                configured.push_back(u);
        }
    const nlohmann::json vcsc = Json("out/status/vcsc.json");
    std::vector<std::string> listed;
    for (const auto& row : vcsc["expressway_c"]["ssh_tunnels"])
        listed.push_back(row["domain"]);
    EXPECT_EQ(listed, configured);
    // Every TLS session of the run is TLS 1.2 (the products of 2017 speak no 1.3), so its
    // secret is a CLIENT_RANDOM line too and no TLS 1.3 secrets are written.
    EXPECT_EQ(Read("out/sslkeys.log").find("CLIENT_HANDSHAKE_TRAFFIC_SECRET"), std::string::npos);

    EXPECT_NE(Read("out/logs/ext-dns.log").find("2017-05-20 10:00:00.000 "), std::string::npos);
    ASSERT_TRUE(testkit::ProgramExists("tshark")) << "tshark is missing: install it (tools/setup)";
    for (const char* network : {"internal", "dmz", "public", "guest"})
        EXPECT_EQ(testkit::TsharkWarnings(m_dir + "/out/pcap/" + network + ".pcap"), "") << network;
}

TEST_F(RunCommandTest, DefaultsToTheReferenceDeploymentAndItsResultsFolder) {
    ASSERT_EQ(Run(""), 0) << Read("stderr.txt");
    EXPECT_TRUE(fs::exists(m_dir + "/results/reference/summary.json"));
    EXPECT_TRUE(fs::exists(m_dir + "/results/reference/status/edge-fw.json"));
    EXPECT_NE(Read("stdout.txt").find("results/reference"), std::string::npos);
}

TEST_F(RunCommandTest, UnusableInputExitsTwoAndWritesNothing) {
    EXPECT_EQ(Run("'" + m_dir + "/no-such-scenario.json' --out out"), 2);
    EXPECT_FALSE(fs::exists(m_dir + "/out"));
    EXPECT_FALSE(Read("stderr.txt").empty());

    std::ofstream(m_dir + "/broken.json") << "{ \"name\": \"broken\", ";
    EXPECT_EQ(Run("broken.json --out out"), 2);
    EXPECT_FALSE(fs::exists(m_dir + "/out"));

    EXPECT_EQ(Run("'" + Reference() + "' --out out --seed nine"), 2);
    EXPECT_EQ(Run("'" + Reference() + "' --frobnicate"), 2);
    EXPECT_FALSE(fs::exists(m_dir + "/out"));
    EXPECT_FALSE(fs::exists(m_dir + "/results"));
}

TEST_F(RunCommandTest, HelpDescribesTheCommand) {
    EXPECT_EQ(Run("--help"), 0);
    EXPECT_NE(Read("stdout.txt").find("usage: cmslab run [SCENARIO] [--out DIR] [--seed N]"),
              std::string::npos);
}

} // namespace
} // namespace cmslab::network
