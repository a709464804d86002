// `cmslab emulate` with real programs in the attached host's namespace: dig, curl and
// openssl s_client from Debian, talking in real time to the simulated boxes. Each test
// starts the real cmslab, waits for its ready line, runs one client, then ends the
// emulation with SIGTERM and checks it removed its namespace. A test that fails midway
// still kills the emulation by pid and deletes the namespace it made.
//
// They need root and /dev/net/tun (CI has both); they skip, saying why, without them.
#include "emulation_run.h"

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace cmslab {
namespace {

using namespace std::chrono_literals;
using testkit::BackgroundProcess;
using testkit::ProcessResult;
using testkit::RunProcess;
using namespace emulatetest;

const std::string kNamespace = "cmslab-guest-pc";
const std::string kCmslab = std::string(CMSLAB_BINARY_DIR) + "/cmslab";

// Runs a program inside the guest's namespace, bounded in time.
ProcessResult InGuest(std::vector<std::string> argv, std::chrono::seconds deadline = 30s) {
    return In("guest-pc", std::move(argv), deadline);
}

class Emulate : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string why = WhyNoEmulation();
        if (!why.empty())
            GTEST_SKIP() << why;
        ASSERT_FALSE(m_dir.Path().empty());
    }

    testkit::TempDir m_dir{"cmslab-emulate"};
};

TEST_F(Emulate, DigInTheGuestsNamespaceGetsTheExternalDnsAnswer) {
    if (!testkit::ProgramExists("dig"))
        GTEST_SKIP() << "dig is missing (bind9-dnsutils)";
    Emulation emulation("reference", m_dir.File("out"));
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    const ProcessResult dig =
        InGuest({"dig", "+short", "+time=3", "+tries=2", "@10.88.246.210", "cmsweb.octavio.com"});
    EXPECT_EQ(dig.exit_code, 0) << dig.out << dig.err;
    EXPECT_EQ(dig.out, "10.88.246.156\n") << dig.err;
    EXPECT_EQ(emulation.Stop(), 0) << emulation.Output();
    EXPECT_EQ(Namespaces().find(kNamespace), std::string::npos);
    // The external DNS server logged the real client's query.
    EXPECT_NE(testkit::ReadFile(m_dir.File("out/logs/ext-dns.log")).find("cmsweb.octavio.com"),
              std::string::npos);
    // The guest LAN's capture holds the real host's query and the answer, checksums valid.
    const auto frames = testkit::TsharkFields(m_dir.File("out/pcap/guest.pcap"),
                                              "dns.qry.name == \"cmsweb.octavio.com\"",
                                              {"ip.src", "ip.dst", "dns.a"});
    EXPECT_NE(std::find(frames.begin(), frames.end(), "172.16.84.124|10.88.246.210|"), frames.end())
        << testing::PrintToString(frames);
    EXPECT_NE(std::find(frames.begin(), frames.end(), "10.88.246.210|172.16.84.124|10.88.246.156"),
              frames.end())
        << testing::PrintToString(frames);
    EXPECT_EQ(testkit::TsharkWarnings(m_dir.File("out/pcap/guest.pcap")), "");
}

TEST_F(Emulate, TsharkInTheNamespaceAndTheLabsCaptureSeeTheSameExchange) {
    if (!testkit::ProgramExists("dig") || !testkit::ProgramExists("tshark"))
        GTEST_SKIP() << "dig or tshark is missing";
    Emulation emulation("reference", m_dir.File("out"));
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    const std::string inside = m_dir.File("inside.pcap");
    BackgroundProcess capture;
    ASSERT_TRUE(capture.Start({"ip", "netns", "exec", kNamespace, "tshark", "-n", "-i", "eth0",
                               "-f", "udp port 53", "-w", inside}));
    // "Capturing on" comes before dumpcap has its socket; this comes after.
    ASSERT_TRUE(capture.WaitFor("Capture started", 20s)) << capture.Out();
    for (const char* name : {"cmsweb.octavio.com", "vcse.octavio.com"}) {
        const ProcessResult dig =
            InGuest({"dig", "+short", "+time=3", "+tries=1", "@10.88.246.210", name});
        EXPECT_EQ(dig.exit_code, 0) << dig.err;
    }
    // dumpcap reads the kernel's buffer on its own schedule; stopped at once it can lose
    // the last answer, which dig already got.
    std::this_thread::sleep_for(1s);
    Signal(capture.Pid(), SIGINT);
    EXPECT_EQ(capture.Wait(20s), 0) << capture.Out();
    EXPECT_EQ(emulation.Stop(), 0) << emulation.Output();
    const auto seen_inside = testkit::TsharkFields(inside, "dns", {"ip.src", "dns.qry.name"});
    const auto seen_by_lab =
        testkit::TsharkFields(m_dir.File("out/pcap/guest.pcap"), "dns", {"ip.src", "dns.qry.name"});
    EXPECT_EQ(seen_inside.size(), 4u) << testing::PrintToString(seen_inside);
    EXPECT_EQ(seen_inside, seen_by_lab);
    EXPECT_EQ(testkit::TsharkWarnings(inside), "");
}

TEST_F(Emulate, SigintEndsTheRunWritesItsResultsAndRemovesTheNamespace) {
    Emulation emulation("reference", m_dir.File("out"));
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    Signal(emulation.Pid(), SIGINT);
    EXPECT_EQ(emulation.Process().Wait(30s), 0) << emulation.Output();
    EXPECT_EQ(Namespaces().find(kNamespace), std::string::npos);
    const std::string summary = testkit::ReadFile(m_dir.File("out/summary.json"));
    EXPECT_NE(summary.find("\"ended_by\": \"SIGINT\""), std::string::npos) << summary;
    EXPECT_NE(summary.find("\"p99_ms\""), std::string::npos) << summary;
    EXPECT_NE(testkit::ReadFile(m_dir.File("out/ca/lab-ca.pem")).find("BEGIN CERTIFICATE"),
              std::string::npos);
}

TEST_F(Emulate, ANodeThatForwardsOrDoesNotExistIsRefusedAndNothingIsMade) {
    const ProcessResult router =
        RunProcess({kCmslab, "emulate", Scenario("reference"), "--attach", "edge-fw", "--out",
                    m_dir.File("a"), "--duration", "5"},
                   60s);
    EXPECT_EQ(router.exit_code, 2);
    EXPECT_NE(router.err.find("'edge-fw' is a nat_firewall (it forwards between networks)"),
              std::string::npos)
        << router.err;
    const ProcessResult nobody = RunProcess({kCmslab, "emulate", Scenario("reference"), "--attach",
                                             "nobody", "--out", m_dir.File("b"), "--duration", "5"},
                                            60s);
    EXPECT_EQ(nobody.exit_code, 2);
    EXPECT_NE(nobody.err.find("the scenario has no node 'nobody'"), std::string::npos)
        << nobody.err;
    const ProcessResult twice =
        RunProcess({kCmslab, "emulate", Scenario("reference"), "--attach", "guest-pc", "--attach",
                    "guest-pc", "--out", m_dir.File("c"), "--duration", "5"},
                   60s);
    EXPECT_EQ(twice.exit_code, 2);
    EXPECT_NE(twice.err.find("--attach guest-pc is given twice"), std::string::npos) << twice.err;
    EXPECT_EQ(Namespaces().find("cmslab-"), std::string::npos) << Namespaces();
}

TEST_F(Emulate, WithoutRootItSaysSoAndMakesNothing) {
    if (!testkit::ProgramExists("setpriv"))
        GTEST_SKIP() << "setpriv (util-linux) is missing";
    // As nobody, with no capabilities left, on a copy of the scenario that nobody may read
    // (the tree itself may sit in a folder only root can enter, as `mktemp -d` makes).
    namespace fs = std::filesystem;
    const std::string scenario =
        m_dir.Write("reference.json", testkit::ReadFile(Scenario("reference")));
    fs::permissions(m_dir.Path(), fs::perms::owner_all | fs::perms::group_read |
                                      fs::perms::group_exec | fs::perms::others_read |
                                      fs::perms::others_exec);
    fs::permissions(scenario, fs::perms::owner_read | fs::perms::owner_write |
                                  fs::perms::group_read | fs::perms::others_read);
    const ProcessResult user = RunProcess(
        {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", kCmslab, "emulate",
         scenario, "--attach", "guest-pc", "--out", "/nonexistent/out", "--duration", "5"},
        60s);
    EXPECT_EQ(user.exit_code, 2) << user.out << user.err;
    EXPECT_NE(user.err.find("emulation needs root"), std::string::npos) << user.err;
    EXPECT_EQ(Namespaces().find("cmslab-"), std::string::npos) << Namespaces();
}

TEST_F(Emulate, CurlWithTheLabCaGetsTheMeetingPageThroughTheTunnel) {
    if (!testkit::ProgramExists("curl"))
        GTEST_SKIP() << "curl is missing";
    Emulation emulation("reference", m_dir.File("out"));
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    const ProcessResult curl = InGuest({"curl", "--silent", "--show-error", "--max-time", "20",
                                        "--cacert", m_dir.File("out/ca/lab-ca.pem"), "--write-out",
                                        "\nstatus %{http_code}\n", "https://cmsweb.octavio.com/"});
    EXPECT_EQ(curl.exit_code, 0) << curl.err;
    EXPECT_NE(curl.out.find("status 200"), std::string::npos) << curl.out << curl.err;
    EXPECT_NE(curl.out.find("<title>Meeting</title>"), std::string::npos) << curl.out;
    EXPECT_NE(curl.out.find("Join call"), std::string::npos) << curl.out;
    EXPECT_EQ(emulation.Stop(), 0) << emulation.Output();
    // The page crossed Expressway-C: its web proxy opened a stream for it.
    EXPECT_NE(testkit::ReadFile(m_dir.File("out/logs/vcsc.log")).size(), 0u);
    const std::string summary = testkit::ReadFile(m_dir.File("out/summary.json"));
    EXPECT_NE(summary.find("\"real_time_lag\""), std::string::npos);
    // The guest is real: no diagnosis of a modelled join that never ran.
    EXPECT_EQ(summary.find("\"diagnosis\""), std::string::npos);
}

TEST_F(Emulate, CurlGets400FromTheBadRequestDeployment) {
    if (!testkit::ProgramExists("curl"))
        GTEST_SKIP() << "curl is missing";
    Emulation emulation("bad-request", m_dir.File("out"));
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    const ProcessResult curl =
        InGuest({"curl", "--silent", "--show-error", "--max-time", "20", "--cacert",
                 m_dir.File("out/ca/lab-ca.pem"), "--output", "/dev/null", "--write-out",
                 "%{http_code}", "https://cmsweb.octavio.com/"});
    EXPECT_EQ(curl.exit_code, 0) << curl.err;
    EXPECT_EQ(curl.out, "400") << curl.err;
}

TEST_F(Emulate, CurlRefusesTheUnsecureConnectionsCertificateForItsName) {
    if (!testkit::ProgramExists("curl"))
        GTEST_SKIP() << "curl is missing";
    Emulation emulation("unsecure-connection", m_dir.File("out"));
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    const ProcessResult curl =
        InGuest({"curl", "--silent", "--show-error", "--max-time", "20", "--cacert",
                 m_dir.File("out/ca/lab-ca.pem"), "https://cmsweb.octavio.com/"});
    EXPECT_EQ(curl.exit_code, 60) << curl.out << curl.err;
    EXPECT_NE(curl.err.find("cmsweb.octavio.com"), std::string::npos) << curl.err;
}

TEST_F(Emulate, CurlRefusesTheUntrustedCertificateAsSelfSigned) {
    if (!testkit::ProgramExists("curl"))
        GTEST_SKIP() << "curl is missing";
    Emulation emulation("untrusted-certificate", m_dir.File("out"));
    // Expressway-C does not trust Expressway-E's self-signed certificate either: the
    // traversal zone never comes up, and the emulation says so.
    ASSERT_TRUE(emulation.WaitNotReady()) << emulation.Output();
    EXPECT_NE(emulation.Output().find("waiting for traversal zone of vcsc"), std::string::npos)
        << emulation.Output();
    const ProcessResult curl =
        InGuest({"curl", "--silent", "--show-error", "--max-time", "20", "--cacert",
                 m_dir.File("out/ca/lab-ca.pem"), "https://cmsweb.octavio.com/"});
    EXPECT_EQ(curl.exit_code, 60) << curl.out << curl.err;
    EXPECT_NE(curl.err.find("self-signed certificate"), std::string::npos) << curl.err;
}

TEST_F(Emulate, OpensslShowsTheExpresswayECertificatesSans) {
    if (!testkit::ProgramExists("openssl"))
        GTEST_SKIP() << "openssl is missing";
    Emulation emulation("reference", m_dir.File("out"));
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    const ProcessResult handshake =
        InGuest({"sh", "-c",
                 "openssl s_client -connect 10.88.246.156:443 -servername cmsweb.octavio.com "
                 "</dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName"});
    EXPECT_EQ(handshake.exit_code, 0) << handshake.out << handshake.err;
    // The SAN list as reference.json issues vcse-server.
    EXPECT_NE(handshake.out.find("DNS:vcse.octavio.com"), std::string::npos) << handshake.out;
    EXPECT_NE(handshake.out.find("DNS:cmsweb.octavio.com"), std::string::npos) << handshake.out;
}

// The host's own links, one name per line, without their numbers and state.
std::vector<std::string> HostLinks() {
    std::vector<std::string> names;
    const std::string out = RunProcess({"ip", "-o", "link", "show"}, 10s).out;
    std::size_t at = 0;
    while (at < out.size()) {
        std::size_t end = out.find('\n', at);
        if (end == std::string::npos)
            end = out.size();
        const std::string line = out.substr(at, end - at);
        const std::size_t colon = line.find(": ");
        if (colon != std::string::npos)
            names.push_back(line.substr(colon + 2, line.find(':', colon + 2) - colon - 2));
        at = end + 1;
    }
    return names;
}

TEST_F(Emulate, AfterKillNineTheNextRunStartsCleanAndLeavesNothing) {
    const std::vector<std::string> links_before = HostLinks();
    {
        Emulation killed("reference", m_dir.File("killed"));
        ASSERT_TRUE(killed.WaitReady()) << killed.Output();
        ASSERT_NE(Namespaces().find(kNamespace), std::string::npos);
        Signal(killed.Pid(), SIGKILL);
        killed.Process().Wait(10s);
        // What a crash leaves: the namespace without its owner.
        ASSERT_NE(Namespaces().find(kNamespace), std::string::npos);
        // Not deleted here on purpose: the next run must do it. (~Emulation would.)
        Emulation next("reference", m_dir.File("next"));
        ASSERT_TRUE(next.WaitReady()) << next.Output();
        EXPECT_NE(next.Process().Err().find("removed stale namespace " + kNamespace),
                  std::string::npos)
            << next.Output();
        EXPECT_EQ(next.Stop(), 0) << next.Output();
    }
    EXPECT_EQ(Namespaces().find("cmslab-"), std::string::npos) << Namespaces();
    // The lab's TAPs lived only inside its namespaces: the host's links are as they were.
    EXPECT_EQ(HostLinks(), links_before);
}

} // namespace
} // namespace cmslab
