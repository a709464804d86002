// A real server standing in for a modelled one (issue 12): with ext-dns attached, no
// modelled DNS server runs there, and Debian's dnsmasq, started in cmslab-ext-dns with the
// A records the scenario gives that server, answers the modelled guest of the reference,
// which then joins with media as in a plain run.
#include "emulation_run.h"

#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace cmslab::emulatetest {
namespace {

using namespace std::chrono_literals;

// --host-record=<name>,<address> for each A record of the scenario's zones on `node`.
std::vector<std::string> HostRecords(const std::string& scenario, const std::string& node) {
    std::ifstream in(Scenario(scenario));
    const nlohmann::json s = nlohmann::json::parse(in, nullptr, false);
    std::vector<std::string> records;
    if (s.is_discarded())
        return records;
    for (const nlohmann::json& server : s.value("dns_servers", nlohmann::json::array())) {
        if (server.value("node", "") != node)
            continue;
        for (const nlohmann::json& zone : server.value("zones", nlohmann::json::array())) {
            for (const nlohmann::json& r : zone.value("records", nlohmann::json::array())) {
                if (r.value("type", "") == "A")
                    records.push_back("--host-record=" + r.value("name", "") + "," +
                                      r.value("address", ""));
            }
        }
    }
    return records;
}

TEST(EmulateRealServer, DnsmasqAsTheExternalDnsServesTheModelledGuestWhichJoinsWithMedia) {
    const std::string why = WhyNoEmulation();
    if (!why.empty())
        GTEST_SKIP() << why;
    const std::string dnsmasq = testkit::FindProgram("dnsmasq");
    if (dnsmasq.empty())
        GTEST_SKIP() << "dnsmasq is missing (dnsmasq-base; tools/setup installs it)";
    const std::vector<std::string> records = HostRecords("reference", "ext-dns");
    ASSERT_EQ(records.size(), 2u);

    testkit::TempDir dir("cmslab-emulate-dns");
    // Long enough for the guest's join and its 10 s of media.
    Emulation emulation("reference", dir.File("out"), {"ext-dns"}, 30);
    ASSERT_TRUE(emulation.WaitNamespace("ext-dns")) << emulation.Output();
    // Started at once: the modelled guest asks for the web bridge a second into the run
    // (and asks again when nobody answers).
    std::vector<std::string> argv = {"ip",
                                     "netns",
                                     "exec",
                                     "cmslab-ext-dns",
                                     dnsmasq,
                                     "--keep-in-foreground",
                                     "--conf-file=/dev/null",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--bind-interfaces",
                                     "--listen-address=10.88.246.210",
                                     "--pid-file=",
                                     "--log-queries",
                                     "--log-facility=-"};
    argv.insert(argv.end(), records.begin(), records.end());
    testkit::BackgroundProcess server;
    ASSERT_TRUE(server.Start(argv));
    EXPECT_EQ(emulation.Process().Wait(90s), 0) << emulation.Output();
    server.ReadSome(1s);
    server.Kill();
    EXPECT_NE(server.Out().find("query[A] cmsweb.octavio.com from 172.16.84.124"),
              std::string::npos)
        << server.Out();

    std::ifstream in(dir.File("out/summary.json"));
    const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    for (const char* stage : {"dns", "tls", "http", "web_bridge", "turn", "ice", "dtls", "media"})
        EXPECT_EQ(summary["stages"][stage]["status"], "ok") << stage << ": " << summary["stages"];
    EXPECT_GT(summary["media"]["received"].value("packets", 0), 0) << summary["media"];
    EXPECT_EQ(summary["devices"]["ext-dns"], nlohmann::json::array({"real host (attached)"}));
    // The modelled guest's join is diagnosed as in a run: nothing wrong.
    EXPECT_EQ(summary["diagnosis"].value("verdict", ""), "healthy") << summary["diagnosis"];
    EXPECT_EQ(Namespaces().find("cmslab-ext-dns"), std::string::npos);
}

} // namespace
} // namespace cmslab::emulatetest
