// Issue 11: a TLS version mismatch between two boxes fails as it does in the field. The
// reference scenario with one edit, made here: the CMS speaks only TLS 1.3, Expressway-C
// (X8.9, TLS 1.2 only) offers only 1.2. The CMS refuses Expressway-C's ClientHello with
// a protocol_version alert: the web bridge probe fails, the proxied page request fails,
// and the guest's page does not load.
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace cmslab::failure_cases::tls_mismatch {
namespace {

using nlohmann::json;

bool Contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

class TlsVersionMismatch : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_dir = new testkit::TempDir("cmslab-tls-mismatch");
        std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
        json scenario = json::parse(in);
        scenario["name"] = "tls-version-mismatch";
        for (auto& node : scenario["nodes"])
            if (node["role"] == "cms")
                node["config"]["tls"] = {{"versions", json::array({"TLSv1.3"})}};
        const std::string path = s_dir->Write("scenario.json", scenario.dump(1));
        const auto r =
            testkit::RunProcess({"timeout", "120", std::string(CMSLAB_BINARY_DIR) + "/cmslab",
                                 "run", path, "--out", s_dir->File("out")},
                                std::chrono::seconds(150));
        s_run_output = r.out + r.err;
        std::ifstream summary(s_dir->File("out/summary.json"));
        if (r.exit_code == 0 && summary)
            s_summary = json::parse(summary, nullptr, false);
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }
    void SetUp() override {
        ASSERT_TRUE(s_summary.is_object()) << "cmslab run failed:\n" << s_run_output;
    }
    static std::string Out(const std::string& rel) { return s_dir->File("out/" + rel); }

    static testkit::TempDir* s_dir;
    static std::string s_run_output;
    static json s_summary;
};

testkit::TempDir* TlsVersionMismatch::s_dir = nullptr;
std::string TlsVersionMismatch::s_run_output;
json TlsVersionMismatch::s_summary;

TEST_F(TlsVersionMismatch, ExpresswayCsProbeOfTheWebBridgeFailsWithProtocolVersion) {
    const std::string log = testkit::ReadFile(Out("logs/vcsc.log"));
    bool probe = false;
    for (const auto& line : testkit::SplitLines(log))
        probe = probe || (Contains(line, "web bridge cmsweb.octavio.com") &&
                          Contains(line, "probe failed") && Contains(line, "protocol_version"));
    EXPECT_TRUE(probe) << log;
    EXPECT_FALSE(Contains(log, "probed successfully")) << log;
}

TEST_F(TlsVersionMismatch, TheCmsSendsTheAlertOnTheWire) {
    // Alert 70 (protocol_version) from the web bridge to Expressway-C, in the clear (no
    // handshake was made).
    const auto alerts = testkit::TsharkFields(Out("pcap/internal.pcap"),
                                              "tls.alert_message.desc == 70", {"ip.src", "ip.dst"});
    ASSERT_FALSE(alerts.empty());
    for (const auto& row : alerts)
        EXPECT_EQ(row, "172.16.85.180|172.16.85.167");
    // Expressway-C's ClientHello offered TLS 1.2 only (no supported_versions).
    const auto hellos = testkit::TsharkFields(
        Out("pcap/internal.pcap"),
        "tls.handshake.type == 1 && ip.dst == 172.16.85.180 && "
        "tcp.dstport == 443 && ip.src == 172.16.85.167",
        {"tls.handshake.version", "tls.handshake.extensions.supported_version"});
    ASSERT_FALSE(hellos.empty());
    for (const auto& row : hellos)
        EXPECT_EQ(row, "0x0303|");
}

TEST_F(TlsVersionMismatch, ThePageRequestFailsAndTheDiagnosisCitesTheAlert) {
    const json& stages = s_summary["stages"];
    EXPECT_EQ(stages["tls"].value("status", ""), "ok") << "the guest's own TLS is fine";
    EXPECT_EQ(stages["http"].value("status", ""), "failed") << stages.dump(1);
    EXPECT_EQ(stages["web_bridge"].value("status", ""), "not_reached");
    const json& diagnosis = s_summary["diagnosis"];
    EXPECT_EQ(diagnosis.value("verdict", ""), "fault") << diagnosis.dump(1);
    EXPECT_EQ(diagnosis.value("failed_stage", ""), "http") << diagnosis.dump(1);
    ASSERT_TRUE(diagnosis["causes"].is_array() && !diagnosis["causes"].empty())
        << diagnosis.dump(1);
    EXPECT_EQ(diagnosis["causes"][0].value("cause", ""), "web_bridge_tls_version_mismatch");
    const std::string text = diagnosis.value("text", "");
    EXPECT_TRUE(Contains(text, "probe failed: tls failed: alert received: fatal protocol_version"))
        << text;
}

} // namespace
} // namespace cmslab::failure_cases::tls_mismatch
