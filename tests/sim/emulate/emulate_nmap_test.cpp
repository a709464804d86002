// Issue 12: nmap from a host the test adds on the public segment (scan-pc) finds open on
// the Expressway-E's public address exactly what the edge firewall's rules let in and the
// box serves: TCP 443 and 3478, UDP 3478. Ports the vcse listens on behind the firewall
// (445 web admin, 7001 traversal, 2222 SSH tunnel) show filtered: the firewall drops them.
// The inside addresses (the vcse's DMZ and LAN addresses, the CMS) show nothing open.
//
// What nmap's states mean here. TCP: "open" is a completed handshake, "filtered" is no
// answer at all (the firewall dropped the SYN), "closed" a RST. UDP: nmap sends a
// protocol payload where it has one (a STUN Binding request to 3478, a DNS query to 53)
// and calls the port "open" only when an answer comes back; "open|filtered" is silence (a
// dropped datagram and a server that ignores the probe look the same), "closed" an ICMP
// port unreachable. The relay range is allowed by the rules: a relay port nobody has
// allocated is "closed" (the vcse answers port unreachable); once turnutils_uclient holds
// an allocation there it goes silent, "open|filtered": the relay socket exists and drops
// datagrams from a peer without a permission (RFC 8656 section 9).
//
// The scan is bounded: an explicit short port list, one retry, a host timeout, under
// `timeout`, from inside the lab's namespace (its only routes lead into the lab).
#include "emulation_run.h"

#include "support/process.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <map>
#include <regex>

namespace cmslab::emulatetest {
namespace {

using namespace std::chrono_literals;

constexpr const char* kScanner = "scan-pc";
constexpr const char* kScannerAddress = "10.88.246.78";
const std::string kTcpPorts = "22,80,443,445,2222,3478,5222,5061,7001,8443";
const std::string kUdpPorts = "53,3478,5060,24000";

// "tcp/443" -> "open", from nmap's -oX output for one host.
std::map<std::string, std::string> PortStates(const std::string& xml) {
    std::map<std::string, std::string> states;
    const std::regex port(
        R"re(<port protocol="(tcp|udp)" portid="(\d+)"><state state="([a-z|]+)")re");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), port); it != std::sregex_iterator();
         ++it)
        states[(*it)[1].str() + "/" + (*it)[2].str()] = (*it)[3].str();
    return states;
}

std::map<std::string, std::string> Scan(const std::string& target, std::string* xml,
                                        const std::string& ports = "T:" + kTcpPorts +
                                                                   ",U:" + kUdpPorts) {
    std::vector<std::string> argv = {"timeout", "60",  "nmap", "-n", "-Pn",
                                     "-sT",     "-sU", "-p",   ports};
    for (const char* bound :
         {"--max-retries", "1", "--host-timeout", "50s", "--initial-rtt-timeout", "200ms",
          "--max-rtt-timeout", "1000ms", "-oX", "-"})
        argv.push_back(bound);
    argv.push_back(target);
    const testkit::ProcessResult nmap = In(kScanner, argv, 70s);
    EXPECT_EQ(nmap.exit_code, 0) << nmap.out << nmap.err;
    *xml = nmap.out;
    return PortStates(nmap.out);
}

TEST(EmulateNmap, ThePublicAddressShowsOpenExactlyWhatTheFirewallAllowsAndTheInsideNothing) {
    const std::string why = WhyNoEmulation();
    if (!why.empty())
        GTEST_SKIP() << why;
    if (!testkit::ProgramExists("nmap"))
        GTEST_SKIP() << "nmap is missing (tools/setup installs it)";
    nlohmann::json s = ScenarioJson("reference");
    ASSERT_FALSE(s.is_discarded());
    AddHost(s, kScanner, "public", kScannerAddress, "10.88.246.1");
    testkit::TempDir dir("cmslab-emulate-nmap");
    ASSERT_TRUE(WriteScenario(s, dir.File("with-scanner.json")));
    const std::string outside = s["nat_firewalls"][0]["mappings"][0].value("outside", "");
    const std::string dmz = s["nat_firewalls"][0]["mappings"][0].value("inside", "");
    const nlohmann::json& vcse = NodeJson(s, "vcse");
    const nlohmann::json& cms = NodeJson(s, "cms");
    const std::string vcse_lan = vcse["interfaces"][0].value("address", "");
    const std::string cms_address = cms["interfaces"][0].value("address", "");

    Emulation emulation(dir.File("with-scanner.json"), dir.File("out"), {kScanner}, 120);
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();

    std::string xml;
    const auto states = Scan(outside, &xml);
    std::map<std::string, std::string> open;
    for (const auto& [port, state] : states)
        if (state == "open")
            open[port] = state;
    const std::map<std::string, std::string> expected = {
        {"tcp/443", "open"}, {"tcp/3478", "open"}, {"udp/3478", "open"}};
    EXPECT_EQ(open, expected) << xml;
    // Every port asked about has a state: nothing was cut short by a timeout.
    EXPECT_EQ(states.size(), 14u) << xml;
    // Behind the firewall the vcse serves these, but the firewall drops them.
    for (const char* port : {"tcp/445", "tcp/2222", "tcp/7001"})
        EXPECT_EQ(states.count(port) ? states.at(port) : "", "filtered") << port << "\n" << xml;
    // A relay port with no allocation: the vcse says port unreachable.
    EXPECT_EQ(states.count("udp/24000") ? states.at("udp/24000") : "", "closed") << xml;

    // While turnutils_uclient holds allocations (-h: it stays after its message), a relay
    // port it got no longer answers unreachable.
    if (testkit::ProgramExists("turnutils_uclient")) {
        testkit::BackgroundProcess uclient;
        ASSERT_TRUE(uclient.Start({"ip", "netns", "exec", std::string("cmslab-") + kScanner,
                                   "timeout", "30", "turnutils_uclient", "-v", "-s", "-y", "-h",
                                   "-n", "1", "-u", "turnuser", "-w",
                                   LocalUserPassword(s, "expressway_e", "turnuser"), outside}));
        const std::string relayed = "Received relay addr: " + outside + ":";
        ASSERT_TRUE(uclient.WaitFor(relayed, 15s)) << uclient.Out();
        std::smatch port;
        const std::string out = uclient.Out();
        ASSERT_TRUE(std::regex_search(out, port, std::regex(relayed + "(\\d+)")));
        std::string relay_xml;
        const auto relay = Scan(outside, &relay_xml, "U:" + port[1].str());
        EXPECT_EQ(relay.count("udp/" + port[1].str()) ? relay.at("udp/" + port[1].str()) : "",
                  "open|filtered")
            << relay_xml;
        // `timeout` hands the TERM on to uclient, which would otherwise hang on.
        Signal(uclient.Pid(), SIGTERM);
        uclient.Wait(10s);
    }

    for (const std::string& inside : {dmz, vcse_lan, cms_address}) {
        std::string inside_xml;
        const auto inside_states = Scan(inside, &inside_xml);
        EXPECT_EQ(inside_states.size(), 14u) << inside << "\n" << inside_xml;
        for (const auto& [port, state] : inside_states)
            EXPECT_TRUE(state == "filtered" || state == "open|filtered")
                << inside << " " << port << " is " << state << "\n"
                << inside_xml;
    }
    EXPECT_EQ(emulation.Stop(), 0) << emulation.Output();
}

} // namespace
} // namespace cmslab::emulatetest
