// Each kind of mistake in a scenario file gives an error at the JSON pointer of the value
// at fault; the reference scenario with one edit stands in for a user's broken file.
#include "scenario_test_util.h"

#include "scenario/loader.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace cmslab::scenario {
namespace {

using nlohmann::json;
using test::HasError;
using test::LoadEdited;
using test::LoadJson;
using test::ReferenceJson;

// Node indices in scenarios/reference.json.
constexpr int kFw = 0, kAdDns = 2, kCms = 4, kVcsc = 5, kVcse = 6, kGuest = 7;
std::string N(int i, const std::string& rest = "") {
    return "/nodes/" + std::to_string(i) + rest;
}

TEST(ScenarioValidation, UnknownKeySuggestsTheNearestKnownOne) {
    auto r = LoadEdited(N(kCms, "/interfaces/0/adress"), "172.16.85.181");
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, N(kCms, "/interfaces/0/adress"), "did you mean \"address\""))
        << r.Report();
    r = LoadEdited(N(kVcse, "/config/turn/relam"), "x");
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/turn/relam"), "did you mean \"realm\""))
        << r.Report();
    r = LoadEdited("/gest", json::object());
    EXPECT_TRUE(HasError(r, "/gest", "did you mean \"guest\"")) << r.Report();
    // A key of another role's block is unknown in this one.
    r = LoadEdited(N(kAdDns, "/config"), json{{"web_bridge", json::object()}});
    EXPECT_TRUE(HasError(r, N(kAdDns, "/config/web_bridge"), "unknown key")) << r.Report();
}

TEST(ScenarioValidation, WrongTypes) {
    auto r = LoadEdited("/seed", "one");
    EXPECT_TRUE(HasError(r, "/seed", "expected integer, found string")) << r.Report();
    r = LoadEdited(N(kVcse, "/config/turn/port"), "3478");
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/turn/port"), "expected integer")) << r.Report();
    r = LoadEdited("/nat_firewalls/0/reflection", "yes");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/reflection", "expected boolean")) << r.Report();
    r = LoadEdited("/networks", json::object());
    EXPECT_TRUE(HasError(r, "/networks", "expected array")) << r.Report();
}

TEST(ScenarioValidation, UnknownEnumValueSuggests) {
    auto r = LoadEdited(N(kCms, "/role"), "cmss");
    EXPECT_TRUE(HasError(r, N(kCms, "/role"), "did you mean \"cms\"")) << r.Report();
    r = LoadEdited("/nat_firewalls/0/rules/0/protocol", "tpc");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/rules/0/protocol", "did you mean \"tcp\""));
}

TEST(ScenarioValidation, OutOfRangeNumbers) {
    auto r = LoadEdited(N(kVcse, "/config/web_admin_port"), 70000);
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/web_admin_port"), "at most 65535")) << r.Report();
    r = LoadEdited("/duration", 0);
    EXPECT_TRUE(HasError(r, "/duration", "greater than 0")) << r.Report();
    // Beyond ns-3's clock (a 64-bit count of nanoseconds, about 9.2e9 s) the run stopped at
    // once and reported "simulated 0 s"; the schema keeps runs well inside it.
    for (double beyond : {1e6 + 1, 1e10, 1e300}) {
        r = LoadEdited("/duration", beyond);
        EXPECT_TRUE(HasError(r, "/duration", "at most 1000000")) << beyond << "\n" << r.Report();
    }
    EXPECT_TRUE(LoadEdited("/duration", 1e6).Ok());
}

TEST(ScenarioValidation, TheGuestStartsWithinTheRun) {
    auto r = LoadEdited("/guest/start_after", -1);
    EXPECT_TRUE(HasError(r, "/guest/start_after", "")) << r.Report();
    r = LoadEdited("/guest/start_after", 120);
    EXPECT_TRUE(HasError(r, "/guest/start_after",
                         "the guest would open the page at 120 s, not before the run ends "
                         "(duration 120 s)"))
        << r.Report();
    r = LoadEdited("/guest/start_after", 30);
    EXPECT_TRUE(r.Ok()) << r.Report();
    EXPECT_EQ(r.scenario->guest_config.start_after_s, 30.0);
    // Unset: a second into the run, as before the key existed.
    EXPECT_EQ(LoadJson(ReferenceJson()).scenario->guest_config.start_after_s, 1.0);
}

TEST(ScenarioValidation, CmsCountersStartAtOneOrMore) {
    for (const char* counter : {"web_bridge_link", "guest_login_request", "call"}) {
        for (int bad : {0, -3}) {
            const std::string at = N(kCms, "/config/counters/") + counter;
            auto r = LoadEdited(at, bad);
            EXPECT_FALSE(r.Ok()) << counter << " " << bad;
            EXPECT_TRUE(HasError(r, at, "must be at least 1")) << r.Report();
        }
    }
    auto r = LoadEdited(N(kCms, "/config/counters/call"), 1.5);
    EXPECT_TRUE(HasError(r, N(kCms, "/config/counters/call"), "expected integer")) << r.Report();
    r = LoadEdited(N(kCms, "/config/login_steps/response_ms"), -1);
    EXPECT_TRUE(HasError(r, N(kCms, "/config/login_steps/response_ms"), "must be at least 0"))
        << r.Report();
    r = LoadEdited(N(kCms, "/config/login_steps/respons_ms"), 1);
    EXPECT_TRUE(HasError(r, N(kCms, "/config/login_steps/respons_ms"), "did you mean"))
        << r.Report();
}

TEST(ScenarioValidation, MissingRequiredKeys) {
    auto r = LoadEdited("/networks/0/prefix", nullptr);
    EXPECT_TRUE(HasError(r, "/networks/0/prefix", "missing required key \"prefix\"")) << r.Report();
    r = LoadEdited(N(kCms, "/config"), nullptr);
    EXPECT_TRUE(HasError(r, N(kCms, "/config"), "missing required")) << r.Report();
    r = LoadEdited("/dns_servers/0/zones/0/records/0/address", nullptr);
    EXPECT_TRUE(HasError(r, "/dns_servers/0/zones/0/records/0/address", "missing")) << r.Report();
    r = LoadEdited("/dns_servers/0/zones/0/records/4/port", nullptr);
    EXPECT_TRUE(HasError(r, "/dns_servers/0/zones/0/records/4/port", "missing")) << r.Report();
}

TEST(ScenarioValidation, MalformedAddressesAndPrefixes) {
    auto r = LoadEdited(N(3, "/interfaces/0/address"), "10.88.246.300");
    EXPECT_TRUE(HasError(r, "/nodes/3/interfaces/0/address", "not an IP address")) << r.Report();
    r = LoadEdited(N(kGuest, "/gateway"), "172.16.84");
    EXPECT_TRUE(HasError(r, N(kGuest, "/gateway"), "not an IP address")) << r.Report();
    r = LoadEdited(N(kCms, "/dns_servers/0"), "dns.local");
    EXPECT_TRUE(HasError(r, N(kCms, "/dns_servers/0"), "not an IP address")) << r.Report();
    r = LoadEdited("/networks/0/prefix", "172.16.85.0/33");
    EXPECT_TRUE(HasError(r, "/networks/0/prefix", "not a network prefix")) << r.Report();
    r = LoadEdited("/networks/0/prefix", "172.16.85.1/24");
    EXPECT_TRUE(HasError(r, "/networks/0/prefix", "did you mean \"172.16.85.0/24\"")) << r.Report();
    r = LoadEdited("/nodes/0/routes/0/destination", "172.16.84.0");
    EXPECT_TRUE(HasError(r, "/nodes/0/routes/0/destination", "not a network prefix"));
    r = LoadEdited("/nat_firewalls/0/mappings/0/outside", "10.88.246.156.1");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/mappings/0/outside", "not an IP address"));
    // One mistake, one error: the bad address is not also reported as outside its network.
    EXPECT_EQ(r.ErrorCount(), 1u) << r.Report();
}

TEST(ScenarioValidation, AddressOutsideItsNetwork) {
    auto r = LoadEdited(N(kCms, "/interfaces/0/address"), "172.16.86.180");
    EXPECT_TRUE(HasError(r, N(kCms, "/interfaces/0/address"),
                         "outside network \"internal\" (172.16.85.0/24)"))
        << r.Report();
    r = LoadEdited(N(kCms, "/interfaces/0/address"), "172.16.85.255");
    EXPECT_TRUE(HasError(r, N(kCms, "/interfaces/0/address"), "broadcast")) << r.Report();
}

TEST(ScenarioValidation, DuplicateAddresses) {
    auto r = LoadEdited(N(kVcsc, "/interfaces/0/address"), "172.16.85.180");
    EXPECT_TRUE(HasError(r, N(kVcsc, "/interfaces/0/address"),
                         "duplicate address 172.16.85.180 (also at /nodes/4/interfaces/0/address)"))
        << r.Report();
    // A NAT public address is owned by the firewall: no host may have it too.
    r = LoadEdited("/nat_firewalls/0/mappings/0/outside", "10.88.246.210");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/mappings/0/outside", "duplicate address"))
        << r.Report();
}

TEST(ScenarioValidation, DuplicateNames) {
    auto r = LoadEdited(N(kVcsc, "/name"), "cms");
    EXPECT_TRUE(HasError(r, N(kVcsc, "/name"), "duplicate node name \"cms\" (also at /nodes/4)"))
        << r.Report();
    r = LoadEdited("/networks/1/name", "internal");
    EXPECT_TRUE(HasError(r, "/networks/1/name", "duplicate network name")) << r.Report();
    r = LoadEdited(N(kVcse, "/interfaces/1/name"), "LAN1");
    EXPECT_TRUE(HasError(r, N(kVcse, "/interfaces/1/name"), "duplicate interface name"));
    r = LoadEdited("/certificates/issued/1/name", "vcse-server");
    EXPECT_TRUE(HasError(r, "/certificates/issued/1/name", "duplicate")) << r.Report();
    r = LoadEdited(N(kCms, "/name"), "../cms");
    EXPECT_TRUE(HasError(r, N(kCms, "/name"), "not a usable name")) << r.Report();
}

TEST(ScenarioValidation, GatewayOffTheNodesNetworks) {
    auto r = LoadEdited(N(kCms, "/gateway"), "192.168.245.1");
    EXPECT_TRUE(HasError(r, N(kCms, "/gateway"), "not on a network of node \"cms\"")) << r.Report();
    r = LoadEdited(N(kCms, "/gateway"), "172.16.85.180");
    EXPECT_TRUE(HasError(r, N(kCms, "/gateway"), "own address")) << r.Report();
    // On the right network but nobody there: a warning (the simulation shows the effect).
    r = LoadEdited(N(kVcsc, "/gateway"), "172.16.85.9");
    EXPECT_TRUE(r.Ok()) << r.Report();
    EXPECT_TRUE(test::HasWarning(r, N(kVcsc, "/gateway"), "no node has the gateway address"));
}

TEST(ScenarioValidation, RouteNextHopNotOnAConnectedNetwork) {
    auto r = LoadEdited("/nodes/0/routes/0/via", "172.16.84.1");
    EXPECT_TRUE(
        HasError(r, "/nodes/0/routes/0/via", "not on a network connected to node \"edge-fw\""))
        << r.Report();
}

TEST(ScenarioValidation, InterfaceOnUnknownNetwork) {
    auto r = LoadEdited(N(kCms, "/interfaces/0/network"), "internl");
    EXPECT_TRUE(HasError(r, N(kCms, "/interfaces/0/network"),
                         "no network named \"internl\" (did you mean \"internal\"?)"))
        << r.Report();
}

TEST(ScenarioValidation, DnsServerThatIsNotADnsServerNode) {
    auto r = LoadEdited(N(kCms, "/dns_servers/0"), "172.16.85.167");
    EXPECT_TRUE(HasError(r, N(kCms, "/dns_servers/0"),
                         "node \"vcsc\" (role expressway_c), not a dns_server"))
        << r.Report();
    r = LoadEdited(N(kCms, "/dns_servers/0"), "172.16.85.99");
    EXPECT_TRUE(HasError(r, N(kCms, "/dns_servers/0"), "no node has the address")) << r.Report();
}

TEST(ScenarioValidation, DnsServerUnreachable) {
    // No gateway: the guest cannot leave its LAN.
    auto r = LoadEdited(N(kGuest, "/gateway"), nullptr);
    EXPECT_TRUE(HasError(r, N(kGuest, "/dns_servers/0"), "unreachable from \"guest-pc\""))
        << r.Report();
    EXPECT_TRUE(HasError(r, N(kGuest, "/dns_servers/0"), "guest-pc has no route to 10.88.246.210"));
    // The query arrives, but the answer has no way back to the guest LAN.
    auto doc = ReferenceJson();
    doc["nodes"][3].erase("routes");
    doc["nodes"][3].erase("gateway");
    r = LoadJson(doc);
    EXPECT_TRUE(HasError(r, N(kGuest, "/dns_servers/0"), "no way back from ext-dns")) << r.Report();
    // CMS using the external DNS: the internal side has no route to the public side's
    // DNS server without the firewall... which it has; but the inside DNS is not
    // reachable from the guest, whose router has no route to private addresses.
    r = LoadEdited(N(kGuest, "/dns_servers/0"), "172.16.85.162");
    EXPECT_TRUE(
        HasError(r, N(kGuest, "/dns_servers/0"), "guest-router has no route to 172.16.85.162"))
        << r.Report();
}

TEST(ScenarioValidation, DnsServerBehindStaticNatCountsAsTheInsideServer) {
    auto doc = ReferenceJson();
    doc["nat_firewalls"][0]["mappings"].push_back(
        {{"inside", "172.16.85.162"}, {"outside", "10.88.246.157"}});
    doc["nodes"][kGuest]["dns_servers"] = {"10.88.246.157"};
    auto r = LoadJson(doc);
    EXPECT_TRUE(r.Ok()) << r.Report();
    // The public address of a host that is not a DNS server is refused.
    doc["nat_firewalls"][0]["mappings"][1]["inside"] = "172.16.85.180";
    r = LoadJson(doc);
    EXPECT_TRUE(
        HasError(r, N(kGuest, "/dns_servers/0"), "node \"cms\" (role cms), not a dns_server"))
        << r.Report();
}

TEST(ScenarioValidation, NatMappingToNobodyOrOffTheOutsideNetwork) {
    auto r = LoadEdited("/nat_firewalls/0/mappings/0/inside", "192.168.245.99");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/mappings/0/inside", "no node has the inside address"))
        << r.Report();
    r = LoadEdited("/nat_firewalls/0/mappings/0/outside", "10.88.247.156");
    EXPECT_TRUE(
        HasError(r, "/nat_firewalls/0/mappings/0/outside", "not on the outside network \"public\""))
        << r.Report();
    r = LoadEdited("/nat_firewalls/0/outside_network", "publik");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/outside_network", "did you mean \"public\""))
        << r.Report();
    r = LoadEdited("/nat_firewalls/0/node", "guest-router");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/node", "role router, not nat_firewall"))
        << r.Report();
    EXPECT_TRUE(HasError(r, "/nodes/0/role", "no entry in /nat_firewalls")) << r.Report();
}

TEST(ScenarioValidation, FirewallRulePortsAndRanges) {
    auto r = LoadEdited("/nat_firewalls/0/rules/3/port", "29999-24000");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/rules/3/port", "not a port range")) << r.Report();
    r = LoadEdited("/nat_firewalls/0/rules/3/port", "24000-70000");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/rules/3/port", "not a port range")) << r.Report();
    r = LoadEdited("/nat_firewalls/0/rules/3/port", "24000:29999");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/rules/3/port", "not a port range")) << r.Report();
    r = LoadEdited("/nat_firewalls/0/rules/0/port", 0);
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/rules/0/port", "at least 1")) << r.Report();
    r = LoadEdited("/nat_firewalls/0/rules/0/protocol", "icmp");
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/rules/0/port", "needs protocol tcp or udp"))
        << r.Report();
    r = LoadEdited(N(kVcse, "/config/turn/media_port_range"), "30000-");
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/turn/media_port_range"), "not a port range"));
}

TEST(ScenarioValidation, SrvAndCnameTargets) {
    auto r = LoadEdited("/dns_servers/0/zones/0/records/4/target", "xmpp..cms.octavio.local");
    EXPECT_TRUE(HasError(r, "/dns_servers/0/zones/0/records/4/target", "not a valid host name"))
        << r.Report();
    auto doc = ReferenceJson();
    doc["dns_servers"][1]["zones"][0]["records"].push_back(
        {{"name", "join.octavio.com"}, {"type", "CNAME"}, {"target", "cms web.octavio.com"}});
    r = LoadJson(doc);
    EXPECT_TRUE(HasError(r, "/dns_servers/1/zones/0/records/2/target", "not a valid DNS name"))
        << r.Report();
    // A CNAME cannot sit beside another record of the same name.
    doc["dns_servers"][1]["zones"][0]["records"][2] = {
        {"name", "cmsweb.octavio.com"}, {"type", "CNAME"}, {"target", "vcse.octavio.com"}};
    r = LoadJson(doc);
    EXPECT_TRUE(HasError(r, "/dns_servers/1/zones/0/records/2/name", "a CNAME must be alone"))
        << r.Report();
    r = LoadEdited("/dns_servers/0/zones/0/records/4/name", "xmpp-client.tcp.cms.octavio.local");
    EXPECT_TRUE(HasError(r, "/dns_servers/0/zones/0/records/4/name", "_service._protocol"));
}

TEST(ScenarioValidation, DnsRecordsMatchTheirTypeAndZone) {
    auto r = LoadEdited("/dns_servers/1/zones/0/records/0/name", "cmsweb.octavio.net");
    EXPECT_TRUE(
        HasError(r, "/dns_servers/1/zones/0/records/0/name", "outside the zone \"octavio.com\""));
    r = LoadEdited("/dns_servers/1/zones/0/records/0/address", "2001:db8::1");
    EXPECT_TRUE(HasError(r, "/dns_servers/1/zones/0/records/0/address", "needs an IPv4 address"));
    r = LoadEdited("/dns_servers/1/zones/0/records/0/port", 443);
    EXPECT_TRUE(HasError(r, "/dns_servers/1/zones/0/records/0/port", "applies only to SRV"))
        << r.Report();
}

TEST(ScenarioValidation, CertificateReferences) {
    auto r = LoadEdited(N(kVcse, "/config/certificate"), "vcse-servr");
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/certificate"), "did you mean \"vcse-server\""))
        << r.Report();
    r = LoadEdited(N(kVcse, "/config/certificate"), "cms-webbridge");
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/certificate"), "belongs to node \"cms\""));
    r = LoadEdited("/certificates/issued/0/issuer", "lab_ca");
    EXPECT_TRUE(HasError(r, "/certificates/issued/0/issuer", "did you mean \"lab-ca\""))
        << r.Report();
    r = LoadEdited("/guest/trusted_cas/0", "labca");
    EXPECT_TRUE(HasError(r, "/guest/trusted_cas/0", "no authority or certificate")) << r.Report();
    r = LoadEdited("/certificates/issued/0/subject_alt_names/2", "cmsweb..octavio.com");
    EXPECT_TRUE(HasError(r, "/certificates/issued/0/subject_alt_names/2", "not a valid DNS name"));
    r = LoadEdited("/certificates/issued/0/not_after", "2027-02-30T00:00:00Z");
    EXPECT_TRUE(HasError(r, "/certificates/issued/0/not_after", "not a UTC time")) << r.Report();
    r = LoadEdited("/certificates/issued/0/not_after", "2016-01-01T00:00:00Z");
    EXPECT_TRUE(HasError(r, "/certificates/issued/0/not_after", "later than not_before"));
}

TEST(ScenarioValidation, GuestAndBoxValues) {
    auto r = LoadEdited("/guest/node", "cms");
    EXPECT_TRUE(HasError(r, "/guest/node", "role cms, not browser")) << r.Report();
    r = LoadEdited("/guest/url", "cmsweb.octavio.com");
    EXPECT_TRUE(HasError(r, "/guest/url", "not an http(s) URL")) << r.Report();
    r = LoadEdited("/guest/call_id", "1001O1");
    EXPECT_TRUE(HasError(r, "/guest/call_id", "digits only")) << r.Report();
    r = LoadEdited(N(kCms, "/config/web_bridge/guest_account_client_uri"), "https://cmsweb:99999");
    EXPECT_TRUE(
        HasError(r, N(kCms, "/config/web_bridge/guest_account_client_uri"), "not an http(s) URL"));
    r = LoadEdited(N(kVcsc, "/config/meeting_server/guest_account_client_uris/0"),
                   "https://cmsweb.octavio.com");
    EXPECT_TRUE(HasError(r, N(kVcsc, "/config/meeting_server/guest_account_client_uris/0"),
                         "not a valid DNS name"));
    r = LoadEdited(N(kVcse, "/config/advanced_networking/external_interface"), "LAN3");
    EXPECT_TRUE(HasError(r, N(kVcse, "/config/advanced_networking/external_interface"),
                         "no interface named \"LAN3\""));
    auto doc = ReferenceJson();
    doc["nodes"][kCms]["config"]["spaces"].push_back(
        {{"name", "Other"}, {"uri", "other"}, {"call_id", "100101"}});
    r = LoadJson(doc);
    EXPECT_TRUE(HasError(r, N(kCms, "/config/spaces/1/call_id"), "duplicate call ID"))
        << r.Report();
}

TEST(ScenarioValidation, AllErrorsAreReportedTogether) {
    auto doc = ReferenceJson();
    doc["nodes"][kCms]["interfaces"][0]["adress"] = "1.2.3.4";
    doc["nodes"][kVcsc]["gateway"] = "10.0.0.1";
    doc["networks"][2]["prefix"] = "10.88.246.0/40";
    doc["nat_firewalls"][0]["rules"][1]["port"] = "9-1";
    doc["guest"]["call_id"] = "abc";
    auto r = LoadJson(doc);
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, N(kCms, "/interfaces/0/adress")));
    EXPECT_TRUE(HasError(r, N(kVcsc, "/gateway")));
    EXPECT_TRUE(HasError(r, "/networks/2/prefix"));
    EXPECT_TRUE(HasError(r, "/nat_firewalls/0/rules/1/port"));
    EXPECT_TRUE(HasError(r, "/guest/call_id"));
    EXPECT_GE(r.ErrorCount(), 5u) << r.Report();
}

TEST(ScenarioValidation, JsonSyntaxAndDuplicateKeys) {
    auto r = LoadScenarioFromString("{\"name\": \"x\",\n \"networks\": [}\n", "broken.json");
    ASSERT_EQ(r.ErrorCount(), 1u);
    EXPECT_NE(r.diagnostics[0].message.find("line 2"), std::string::npos) << r.Report();
    EXPECT_EQ(r.diagnostics[0].ToString().rfind("broken.json: not valid JSON", 0), 0u);

    auto text = ReferenceJson().dump(1);
    const auto at = text.find("\"seed\"");
    text.insert(at, "\"seed\": 5, ");
    r = LoadScenarioFromString(text, "dup.json");
    EXPECT_TRUE(HasError(r, "/seed", "appears twice")) << r.Report();
    r = LoadScenarioFromString("[1, 2]", "array.json");
    EXPECT_TRUE(HasError(r, "", "JSON object"));
}

// A number beyond a double's range is valid JSON syntax that the parser refuses with an
// exception of its own (not a parse error); the loader threw it out to the caller (found
// by fuzz_scenario_loader: the file is its input). Now it is an error at the number.
TEST(ScenarioValidation, ANumberBeyondADoubleIsAnErrorWhereItStands) {
    const std::string path = test::SourcePath("tests/sim/data/fuzz_inputs/"
                                              "scenario_loader-number-overflow.json");
    LoadResult r;
    ASSERT_NO_THROW(r = LoadScenario(path));
    ASSERT_EQ(r.ErrorCount(), 1u) << r.Report();
    EXPECT_EQ(r.diagnostics[0].ToString(),
              path + ": not a usable JSON number: number overflow parsing '9e5989889' (beyond "
                     "the range of a double)");

    auto text = ReferenceJson().dump(1);
    text.replace(text.find("\"seed\": 1"), 9, "\"seed\": 1e999");
    ASSERT_NO_THROW(r = LoadScenarioFromString(text, "big.json"));
    EXPECT_TRUE(HasError(r, "/seed", "number overflow parsing '1e999'")) << r.Report();
    ASSERT_NO_THROW(r = LoadScenarioFromString("{\"networks\": [1, -2e400]}", "big.json"));
    EXPECT_TRUE(HasError(r, "/networks/1", "number overflow")) << r.Report();
    // The largest finite double is still a number (and then the schema's business).
    ASSERT_NO_THROW(r = LoadScenarioFromString("{\"seed\": 1.7976931348623157e308}", "x.json"));
    EXPECT_FALSE(HasError(r, "/seed", "number overflow")) << r.Report();
}

TEST(ScenarioValidation, MessageFormatNamesFileAndPointer) {
    auto r = LoadEdited(N(kCms, "/interfaces/0/address"), "172.16.86.180");
    ASSERT_EQ(r.ErrorCount(), 1u) << r.Report();
    const auto& d =
        *std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                      [](const Diagnostic& x) { return x.severity == Severity::Error; });
    EXPECT_EQ(d.ToString(), "edited.json: /nodes/4/interfaces/0/address: 172.16.86.180 is outside "
                            "network \"internal\" (172.16.85.0/24)");
    auto missing = LoadScenario(test::SourcePath("tests/sim/data/no-such-file.json"));
    ASSERT_EQ(missing.ErrorCount(), 1u);
    EXPECT_NE(missing.diagnostics[0].ToString().find("no-such-file.json: cannot read"),
              std::string::npos);
}

TEST(ScenarioValidation, BrokenExampleFiles) {
    auto r = LoadScenario(test::SourcePath("tests/sim/data/broken-addressing.json"));
    EXPECT_FALSE(r.Ok());
    EXPECT_TRUE(HasError(r, "/networks/1/prefix", "host bits")) << r.Report();
    EXPECT_TRUE(HasError(r, "/nodes/0/interfaces/0/address", "outside network"));
    EXPECT_TRUE(HasError(r, "/nodes/1/interfaces/0/network", "did you mean \"lan\""));
    EXPECT_TRUE(HasError(r, "/nodes/1/gateway", "not on a network"));
    EXPECT_TRUE(HasError(r, "/nodes/2/interfaces/1/address", "duplicate address"));
    EXPECT_TRUE(HasError(r, "/nodes/2/dns_servers/0", "not a dns_server"));
}

} // namespace
} // namespace cmslab::scenario
