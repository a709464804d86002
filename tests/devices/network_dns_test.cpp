// DNS on the simulated network: the scenario's servers answer from their zones over UDP
// and TCP, and every box's resolver asks its own servers (split horizon).
#include "dns_resolver.h"
#include "reference_network.h"
#include "scenario/loader.h"
#include "world.h"

#include "support/process.h"
#include "support/tshark.h"

#include "ns3/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

namespace cmslab::network {
namespace {

class NetworkDnsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(testkit::ProgramExists("tshark"))
            << "tshark is missing: install it (tools/setup)";
        char dir_template[] = "/tmp/cmslab-dns-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        m_dir = dir_template;
    }
    void TearDown() override {
        m_resolvers.clear();
        m_world.reset();
        std::filesystem::remove_all(m_dir);
    }

    void Build(const scenario::Scenario& s,
               const std::vector<std::string>& dns_nodes = {"ad-dns", "ext-dns"}) {
        BuildOptions options;
        options.out_dir = m_dir;
        auto world = World::Build(s, options);
        ASSERT_TRUE(world) << world.Message();
        m_world = std::move(*world);
        auto started = m_world->StartDnsServers();
        ASSERT_TRUE(started) << started.Message();
        EXPECT_EQ(*started, dns_nodes);
    }

    // Resolves at `at_s` from `node`; the result lands in the returned slot.
    std::shared_ptr<std::optional<dns::LookupResult>>
    Lookup(const std::string& node, const std::string& name, double at_s,
           dns::RecordType type = dns::RecordType::A) {
        auto slot = std::make_shared<std::optional<dns::LookupResult>>();
        devices::DnsResolver* resolver = m_world->MakeResolver(node).release();
        m_resolvers.emplace_back(resolver);
        ns3::Simulator::Schedule(ns3::Seconds(at_s), [resolver, name, type, slot] {
            resolver->Resolve(name, type, [slot](const dns::LookupResult& r) { *slot = r; });
        });
        return slot;
    }

    std::string Pcap(const std::string& network) { return m_dir + "/pcap/" + network + ".pcap"; }

    // "src dst name answers" of the DNS responses in a capture.
    std::set<std::string> Answers(const std::string& network) {
        std::set<std::string> out;
        for (auto& line : testkit::TsharkFields(Pcap(network), "dns.flags.response == 1",
                                                {"ip.src", "ip.dst", "dns.qry.name", "dns.a"})) {
            std::replace(line.begin(), line.end(), '|', ' ');
            out.insert(line);
        }
        return out;
    }

    std::string m_dir;
    std::unique_ptr<World> m_world;
    std::vector<std::unique_ptr<devices::DnsResolver>> m_resolvers;
};

TEST_F(NetworkDnsTest, EachSideResolvesTheWebBridgeNameAtItsOwnServer) {
    Build(test::ReferenceNetwork());
    auto guest = Lookup("guest-pc", "cmsweb.octavio.com", 1.0);
    auto vcsc = Lookup("vcsc", "cmsweb.octavio.com", 1.0);
    auto vcse = Lookup("vcse", "vcse.octavio.com", 1.0);
    auto srv = Lookup("cms", "_xmpp-client._tcp.cms.octavio.local", 1.0, dns::RecordType::SRV);
    m_world->RunFor(5);

    ASSERT_TRUE(guest->has_value());
    EXPECT_EQ((*guest)->status, dns::ResolveStatus::Ok) << (*guest)->error;
    EXPECT_EQ((*guest)->addresses, std::vector<IpAddress>{*IpAddress::Parse("10.88.246.156")});
    EXPECT_EQ((*guest)->server->ToString(), "10.88.246.210:53");
    ASSERT_TRUE(vcsc->has_value());
    EXPECT_EQ((*vcsc)->addresses, std::vector<IpAddress>{*IpAddress::Parse("172.16.85.180")});
    EXPECT_EQ((*vcsc)->server->ToString(), "172.16.85.162:53");
    // Expressway-E asks the external server through the NAT and gets its answer back.
    ASSERT_TRUE(vcse->has_value());
    EXPECT_EQ((*vcse)->status, dns::ResolveStatus::Ok) << (*vcse)->error;
    EXPECT_EQ((*vcse)->addresses, std::vector<IpAddress>{*IpAddress::Parse("10.88.246.156")});
    ASSERT_TRUE(srv->has_value());
    ASSERT_EQ((*srv)->srv.size(), 1u);
    EXPECT_EQ((*srv)->srv[0].port, 5222);
    EXPECT_EQ((*srv)->srv[0].target, "xmpp.cms.octavio.local");

    const nlohmann::json ext = m_world->Status("ext-dns");
    EXPECT_EQ(ext["dns_server"]["queries_udp"], 2);
    EXPECT_EQ(ext["dns_server"]["noerror"], 2);
    bool logged = false;
    for (const std::string& line : m_world->Log("ext-dns")->Lines())
        logged = logged || line.find("queries: client 10.88.246.156#") != std::string::npos;
    EXPECT_TRUE(logged) << "ext-dns logs the query of Expressway-E's public address";
    m_resolvers.clear();
    m_world.reset();

    EXPECT_TRUE(
        Answers("guest").count("10.88.246.210 172.16.84.124 cmsweb.octavio.com 10.88.246.156"));
    EXPECT_TRUE(
        Answers("internal").count("172.16.85.162 172.16.85.167 cmsweb.octavio.com 172.16.85.180"));
    EXPECT_TRUE(
        Answers("public").count("10.88.246.210 10.88.246.156 vcse.octavio.com 10.88.246.156"));
    EXPECT_TRUE(
        Answers("dmz").count("10.88.246.210 192.168.245.61 vcse.octavio.com 10.88.246.156"));
    for (const char* network : {"internal", "dmz", "public", "guest"})
        EXPECT_EQ(testkit::TsharkWarnings(Pcap(network)), "") << network;
}

// A deployment that shares nothing with the reference but its shape (other names,
// domains, prefixes, NAT address): it builds, and each side resolves the web bridge name
// at its own server, so nothing of reference.json is assumed in code.
TEST_F(NetworkDnsTest, AnotherDeploymentResolvesTheSameWay) {
    const auto loaded = scenario::LoadScenario(std::string(CMSLAB_SOURCE_DIR) +
                                               "/tests/sim/data/other-deployment.json");
    ASSERT_TRUE(loaded.Ok()) << loaded.Report();
    Build(*loaded.scenario, {"dc1", "pubdns"});
    auto laptop = Lookup("laptop", "meet.acme.example", 1.0);
    auto expc = Lookup("expc1", "meet.acme.example", 1.0);
    auto expe = Lookup("expe1", "expe.acme.example", 1.0);
    m_world->RunFor(5);

    ASSERT_TRUE(laptop->has_value());
    EXPECT_EQ((*laptop)->addresses, std::vector<IpAddress>{*IpAddress::Parse("203.0.113.80")});
    EXPECT_EQ((*laptop)->server->ToString(), "203.0.113.53:53");
    ASSERT_TRUE(expc->has_value());
    EXPECT_EQ((*expc)->addresses, std::vector<IpAddress>{*IpAddress::Parse("10.20.5.10")});
    EXPECT_EQ((*expc)->server->ToString(), "10.20.1.53:53");
    // The Expressway-E asks the public server through the static NAT and gets its answer.
    ASSERT_TRUE(expe->has_value());
    EXPECT_EQ((*expe)->status, dns::ResolveStatus::Ok) << (*expe)->error;
    EXPECT_EQ((*expe)->addresses, std::vector<IpAddress>{*IpAddress::Parse("203.0.113.80")});
}

TEST_F(NetworkDnsTest, NamesOutsideTheServersZonesAreRefusedOrUnknown) {
    Build(test::ReferenceNetwork());
    // The internal name is not on the Internet side.
    auto outside = Lookup("guest-pc", "cmsweb.cms.octavio.local", 1.0);
    auto missing = Lookup("vcsc", "nothere.octavio.com", 1.0);
    m_world->RunFor(30);
    ASSERT_TRUE(outside->has_value());
    EXPECT_EQ((*outside)->status, dns::ResolveStatus::Refused);
    ASSERT_TRUE(missing->has_value());
    EXPECT_EQ((*missing)->status, dns::ResolveStatus::NxDomain);
}

TEST_F(NetworkDnsTest, LargeAnswersAreTruncatedOverUdpAndFetchedOverTcp) {
    scenario::Scenario s = test::ReferenceNetwork();
    scenario::DnsZone& zone = s.dns_servers[1].zones[0];
    for (int i = 1; i <= 60; ++i) {
        scenario::DnsRecord r;
        r.name = "pool.octavio.com";
        r.type = "A";
        r.address = IpAddress::V4(10, 88, 247, static_cast<std::uint8_t>(i));
        zone.records.push_back(r);
    }
    Build(s);
    auto pool = Lookup("guest-pc", "pool.octavio.com", 1.0);
    m_world->RunFor(10);
    ASSERT_TRUE(pool->has_value());
    EXPECT_EQ((*pool)->status, dns::ResolveStatus::Ok) << (*pool)->error;
    EXPECT_EQ((*pool)->addresses.size(), 60u);
    const nlohmann::json ext = m_world->Status("ext-dns");
    EXPECT_EQ(ext["dns_server"]["truncated"], 1);
    EXPECT_EQ(ext["dns_server"]["queries_tcp"], 1);
    m_resolvers.clear();
    m_world.reset();
    auto tcp = testkit::TsharkFields(Pcap("guest"), "tcp.port == 53 && dns.flags.response == 1",
                                     {"dns.count.answers"});
    EXPECT_EQ(tcp, std::vector<std::string>{"60"});
    EXPECT_EQ(testkit::TsharkWarnings(Pcap("guest")), "");
}

TEST_F(NetworkDnsTest, AnUnreachableServerTimesOut) {
    scenario::Scenario s = test::ReferenceNetwork();
    for (scenario::Node& n : s.nodes) {
        if (n.name == "guest-pc")
            n.dns_servers = {*IpAddress::Parse("10.88.246.99")};
    }
    Build(s);
    auto lost = Lookup("guest-pc", "cmsweb.octavio.com", 1.0);
    m_world->RunFor(30);
    ASSERT_TRUE(lost->has_value());
    EXPECT_EQ((*lost)->status, dns::ResolveStatus::Timeout);
    EXPECT_EQ((*lost)->queries_sent, 2);
    // Two attempts of 2 s each, from t = 1 s.
    EXPECT_EQ((*lost)->finished, std::chrono::seconds(5));
}

} // namespace
} // namespace cmslab::network
