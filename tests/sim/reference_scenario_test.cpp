// The reference deployment loads cleanly and carries the values of the reference document.
#include "scenario_test_util.h"

#include "scenario/loader.h"
#include "scenario/names.h"
#include "support/values.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace cmslab::scenario {
namespace {

using test::SourcePath;

using cmslab::testkit::Ip;

class ReferenceScenario : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_result = new LoadResult(LoadScenario(SourcePath("scenarios/reference.json")));
    }
    static void TearDownTestSuite() {
        delete s_result;
        s_result = nullptr;
    }
    const Scenario& S() const { return *s_result->scenario; }
    static LoadResult* s_result;
};
LoadResult* ReferenceScenario::s_result = nullptr;

TEST_F(ReferenceScenario, LoadsWithoutErrors) {
    ASSERT_TRUE(s_result->Ok()) << s_result->Report();
    EXPECT_EQ(s_result->ErrorCount(), 0u);
    EXPECT_EQ(S().name, "reference");
    EXPECT_EQ(S().source_path, SourcePath("scenarios/reference.json"));
    EXPECT_EQ(FormatUtcTime(S().start_time), "2017-05-20T10:00:00Z");
}

TEST_F(ReferenceScenario, WarnsAboutWhatIsNotSimulated) {
    ASSERT_TRUE(s_result->Ok());
    // XMPP, option keys and the MRA/XMPP SRV records are read but not modelled.
    EXPECT_TRUE(test::HasWarning(*s_result, "/nodes/4/config/xmpp", "XMPP"));
    EXPECT_TRUE(test::HasWarning(*s_result, "/nodes/6/config/option_keys", "not enforced"));
    EXPECT_TRUE(test::HasWarning(*s_result, "/dns_servers/0/zones/0/records/6", "_cisco-uds"));
    for (const auto& d : s_result->diagnostics)
        EXPECT_EQ(d.message.find("does not read"), std::string::npos) << d.ToString();
    // Each of them says what is not simulated, none is about the reference's values: a run
    // counts them on one line.
    EXPECT_EQ(s_result->NotSimulatedCount(), s_result->WarningCount()) << s_result->Report();
    EXPECT_EQ(s_result->ReportWithoutNotSimulated(), "");
}

TEST_F(ReferenceScenario, AddressesAndRouters) {
    ASSERT_TRUE(s_result->Ok());
    const auto* vcse = S().FindNode("vcse");
    ASSERT_NE(vcse, nullptr);
    EXPECT_EQ(vcse->role, "expressway_e");
    ASSERT_EQ(vcse->interfaces.size(), 2u);
    EXPECT_EQ(vcse->FindInterface("LAN1")->address, Ip("172.16.85.168"));
    EXPECT_EQ(vcse->FindInterface("LAN2")->address, Ip("192.168.245.61"));
    EXPECT_EQ(*vcse->gateway, Ip("192.168.245.1"));
    EXPECT_EQ(vcse->dns_servers, std::vector<IpAddress>{Ip("10.88.246.210")});

    EXPECT_EQ(S().FindNode("cms")->interfaces[0].address, Ip("172.16.85.180"));
    EXPECT_EQ(S().FindNode("cms")->interfaces[0].name, "eth0");
    EXPECT_EQ(S().FindNode("vcsc")->interfaces[0].address, Ip("172.16.85.167"));
    EXPECT_EQ(S().FindNode("guest-pc")->interfaces[0].address, Ip("172.16.84.124"));
    EXPECT_EQ(*S().FindNode("guest-pc")->gateway, Ip("172.16.84.1"));

    const auto* fw = S().FindNode("edge-fw");
    ASSERT_NE(fw, nullptr);
    std::vector<std::string> addrs;
    for (const auto& i : fw->interfaces)
        addrs.push_back(i.address.ToString());
    EXPECT_EQ(addrs, (std::vector<std::string>{"172.16.85.1", "192.168.245.1", "10.88.246.1"}));
    const auto* router = S().FindNode("guest-router");
    EXPECT_EQ(router->role, "router");
    EXPECT_EQ(router->interfaces[1].address, Ip("10.88.246.2"));
    EXPECT_EQ(S().FindNetwork("dmz")->prefix.ToString(), "192.168.245.0/24");
    EXPECT_TRUE(S().FindNetwork("public")->prefix.Contains(Ip("10.88.246.156")));
}

TEST_F(ReferenceScenario, NatAndFirewallRules) {
    ASSERT_TRUE(s_result->Ok());
    const auto* nat = S().FindNatFirewall("edge-fw");
    ASSERT_NE(nat, nullptr);
    EXPECT_EQ(nat->outside_network, "public");
    ASSERT_EQ(nat->mappings.size(), 1u);
    EXPECT_EQ(nat->mappings[0].inside, Ip("192.168.245.61"));
    EXPECT_EQ(nat->mappings[0].outside, Ip("10.88.246.156"));
    EXPECT_FALSE(nat->allow_inbound_default);
    EXPECT_TRUE(nat->allow_outbound_default);
    EXPECT_TRUE(nat->reflection);
    ASSERT_EQ(nat->rules.size(), 4u);
    const auto& media = nat->rules[3];
    EXPECT_EQ(media.direction, Direction::Inbound);
    EXPECT_EQ(media.protocol, Protocol::Udp);
    EXPECT_EQ(*media.destination, Ip("10.88.246.156"));
    EXPECT_EQ(media.port_low, 24000);
    EXPECT_EQ(media.port_high, 29999);
    EXPECT_EQ(nat->rules[0].protocol, Protocol::Tcp);
    EXPECT_EQ(nat->rules[0].port_low, 443);
    EXPECT_EQ(nat->rules[0].port_high, 443);
    // Nothing for the admin port, SSH or traversal from outside.
    for (const auto& r : nat->rules)
        for (std::uint16_t port : {22, 445, 2222, 7001})
            EXPECT_FALSE(port >= r.port_low && port <= r.port_high) << port;
}

TEST_F(ReferenceScenario, DnsRecordsInBothServers) {
    ASSERT_TRUE(s_result->Ok());
    auto find = [&](const std::string& server, const std::string& name,
                    const std::string& type) -> const DnsRecord* {
        const auto* s = S().FindDnsServer(server);
        if (!s)
            return nullptr;
        for (const auto& z : s->zones)
            for (const auto& r : z.records)
                if (r.name == name && r.type == type)
                    return &r;
        return nullptr;
    };
    ASSERT_NE(find("ad-dns", "cmsweb.octavio.com", "A"), nullptr);
    EXPECT_EQ(*find("ad-dns", "cmsweb.octavio.com", "A")->address, Ip("172.16.85.180"));
    EXPECT_EQ(*find("ad-dns", "cmsweb.cms.octavio.local", "A")->address, Ip("172.16.85.180"));
    EXPECT_EQ(*find("ad-dns", "vcse.octavio.com", "A")->address, Ip("172.16.85.168"));
    EXPECT_EQ(*find("ext-dns", "cmsweb.octavio.com", "A")->address, Ip("10.88.246.156"));
    EXPECT_EQ(*find("ext-dns", "vcse.octavio.com", "A")->address, Ip("10.88.246.156"));
    const auto* srv = find("ad-dns", "_xmpp-client._tcp.cms.octavio.local", "SRV");
    ASSERT_NE(srv, nullptr);
    EXPECT_EQ(srv->priority, 10);
    EXPECT_EQ(srv->weight, 10);
    EXPECT_EQ(srv->port, 5222);
    EXPECT_EQ(srv->target, "xmpp.cms.octavio.local");
    EXPECT_EQ(srv->ttl, 300u); // schema default
    EXPECT_EQ(find("ext-dns", "cmsweb.cms.octavio.local", "A"), nullptr);
}

TEST_F(ReferenceScenario, CmsConfiguration) {
    ASSERT_TRUE(s_result->Ok());
    const auto& node = *S().FindNode("cms");
    ASSERT_TRUE(node.cms.has_value());
    const auto& cms = *node.cms;
    EXPECT_EQ(cms.web_bridge.guest_account_client_uri.host, "cmsweb.cms.octavio.local");
    EXPECT_EQ(cms.web_bridge.guest_account_client_uri.EffectivePort(), 443);
    EXPECT_EQ(cms.web_bridge.guest_account_jid_domain, "cms.octavio.local");
    EXPECT_EQ(cms.web_bridge.guest_access_via_id_and_passcode, GuestAccessMode::Secure);
    ASSERT_TRUE(cms.web_bridge.web_bridge_uri.has_value());
    EXPECT_EQ(cms.web_bridge.web_bridge_uri->host, "cmsweb.octavio.com");
    EXPECT_EQ(cms.web_bridge.c2w_trust, std::vector<std::string>{"cms-callbridge"});
    ASSERT_EQ(cms.spaces.size(), 1u);
    EXPECT_EQ(cms.spaces[0].name, "Proxy webRTC");
    EXPECT_EQ(cms.spaces[0].uri, "proxywebrtc");
    EXPECT_EQ(cms.spaces[0].call_id, "100101");
    ASSERT_EQ(cms.call_matching.size(), 2u);
    EXPECT_EQ(cms.call_matching[1].domain, "octavio.com");
    EXPECT_EQ(cms.call_matching[1].priority, 10);
    EXPECT_EQ(cms.web_admin.port, 445);
    ASSERT_EQ(cms.turn_servers.size(), 1u);
    const auto& ts = cms.turn_servers[0];
    EXPECT_EQ(ts.server_address, "172.16.85.168");
    EXPECT_EQ(ts.client_address, "10.88.246.156");
    EXPECT_EQ(ts.username, "turnuser");
    EXPECT_EQ(ts.password, "cisco");
    EXPECT_EQ(ts.type, "standard");
    EXPECT_EQ(ts.tcp_port_number_override, 3478);
    // Where the reference's CMS had got to: web bridge link 3, request 21, call 6.
    EXPECT_EQ(cms.counters.web_bridge_link, 3);
    EXPECT_EQ(cms.counters.guest_login_request, 21);
    EXPECT_EQ(cms.counters.call, 6);
    // Not in the file: the defaults of the schema, the reference log's gaps.
    EXPECT_EQ(cms.login_steps.response_ms, 26);
    EXPECT_EQ(cms.login_steps.call_allocation_ms, 3871);
    // The raw block is kept beside the typed one.
    EXPECT_EQ(node.config["web_bridge"]["guest_account_jid_domain"], "cms.octavio.local");
}

TEST_F(ReferenceScenario, ExpresswayConfiguration) {
    ASSERT_TRUE(s_result->Ok());
    const auto& c = *S().FindNode("vcsc")->expressway_c;
    EXPECT_EQ(c.unified_communications_mode, UnifiedCommunicationsMode::MobileAndRemoteAccess);
    EXPECT_EQ(c.sip_domains, (std::vector<std::string>{"octavio.local", "octavio.com"}));
    ASSERT_TRUE(c.traversal_zone.has_value());
    EXPECT_EQ(c.traversal_zone->hop_count, 15);
    EXPECT_EQ(c.traversal_zone->username, "Tuser");
    EXPECT_EQ(c.traversal_zone->peer, "vcse.octavio.com");
    EXPECT_TRUE(c.meeting_server.web_proxy);
    EXPECT_EQ(c.meeting_server.guest_account_client_uris,
              std::vector<std::string>{"cmsweb.octavio.com"});

    const auto& e = *S().FindNode("vcse")->expressway_e;
    EXPECT_TRUE(e.turn.enabled);
    EXPECT_EQ(e.turn.port, 3478);
    EXPECT_EQ(e.turn.realm, "turnuser");
    EXPECT_EQ(e.turn.media_port_range.low, 24000);
    EXPECT_EQ(e.turn.media_port_range.high, 29999);
    EXPECT_EQ(e.web_admin_port, 445);
    EXPECT_EQ(e.traversal_zone->tls_verify_subject_name, "vcsc.octavio.local");
    EXPECT_EQ(e.advanced_networking->external_interface, "LAN2");
    EXPECT_EQ(*e.advanced_networking->static_nat_address, Ip("10.88.246.156"));
    EXPECT_EQ(e.option_keys.size(), 4u);
    auto user = std::find_if(e.local_users.begin(), e.local_users.end(),
                             [](const User& u) { return u.name == "turnuser"; });
    ASSERT_NE(user, e.local_users.end());
    EXPECT_EQ(user->password, "cisco");

    const auto* cert = S().pki.FindCertificate(e.certificate);
    ASSERT_NE(cert, nullptr);
    EXPECT_EQ(cert->node, "vcse");
    EXPECT_EQ(cert->issuer, "lab-ca");
    EXPECT_EQ(cert->subject_alt_names,
              (std::vector<std::string>{"vcse.octavio.com", "vcsc.octavio.local",
                                        "cmsweb.octavio.com", "cmsweb.octavio.local",
                                        "octavio.local", "cms.octavio.local", "octavio.com"}));
    EXPECT_EQ(FormatUtcTime(cert->not_after), "2027-01-01T00:00:00Z");
}

TEST_F(ReferenceScenario, Guest) {
    ASSERT_TRUE(s_result->Ok());
    const auto& g = S().guest_config;
    EXPECT_EQ(g.node, "guest-pc");
    EXPECT_EQ(g.url.scheme, "https");
    EXPECT_EQ(g.url.host, "cmsweb.octavio.com");
    EXPECT_EQ(g.call_id, "100101");
    EXPECT_EQ(g.trusted_cas, std::vector<std::string>{"lab-ca"});
    EXPECT_EQ(S().guest["call_id"], "100101");
    EXPECT_EQ(S().expect["guest_view"], "in_call");
}

TEST(OtherDeployment, ValidatesCleanlyWithItsOwnValues) {
    auto r = LoadScenario(SourcePath("tests/sim/data/other-deployment.json"));
    ASSERT_TRUE(r.Ok()) << r.Report();
    const auto& s = *r.scenario;
    EXPECT_EQ(s.name, "acme");
    EXPECT_EQ(s.seed, 7u);
    EXPECT_EQ(s.FindNetwork("home")->prefix.ToString(), "192.168.50.0/25");
    EXPECT_FALSE(s.FindNatFirewall("fw1")->reflection);
    EXPECT_EQ(s.FindNatFirewall("fw1")->rules[3].protocol, Protocol::Icmp);
    EXPECT_EQ(s.FindNode("meet1")->cms->web_bridge.guest_account_client_uri.EffectivePort(), 8443);
    EXPECT_EQ(s.FindNode("meet1")->cms->web_bridge.guest_access_via_id_and_passcode,
              GuestAccessMode::Legacy);
    // Defaults from the schema where the file says nothing.
    EXPECT_EQ(s.FindNode("meet1")->cms->turn_servers[0].type, "standard");
    EXPECT_TRUE(s.FindNode("meet1")->cms->call_matching[0].targets_spaces);
    EXPECT_EQ(s.FindNode("expe1")->expressway_e->turn.media_port_range.ToString(), "30000-34999");
    EXPECT_EQ(s.FindNode("expe1")->expressway_e->traversal_zone->ssh_tunnel_port, 2222);
    EXPECT_TRUE(s.pki.FindCertificate("meet1-cb")->SelfSigned());
    EXPECT_EQ(s.guest_config.display_name, "Alice");
    EXPECT_EQ(s.guest_config.url.path, "/");
    EXPECT_TRUE(s.expect.empty());
    for (const auto& d : r.diagnostics)
        EXPECT_EQ(d.message.find("does not read"), std::string::npos) << d.ToString();
}

} // namespace
} // namespace cmslab::scenario
