// The reference network end to end on ns-3: traffic from test sockets crosses the routers
// and the NAT/firewall; the captures it writes are judged by tshark.
#include "box_log.h"
#include "nat_firewall_engine.h"
#include "reference_network.h"
#include "sim_traffic.h"
#include "world.h"

#include "support/process.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace cmslab::network {
namespace {

using test::Seen;

class NetworkTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(testkit::ProgramExists("tshark"))
            << "tshark is missing: install it (tools/setup)";
        char dir_template[] = "/tmp/cmslab-network-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        m_dir = dir_template;
        BuildOptions options;
        options.out_dir = m_dir;
        auto world = World::Build(test::ReferenceNetwork(), options);
        ASSERT_TRUE(world) << world.Message();
        m_world = std::move(*world);
    }
    void TearDown() override {
        m_world.reset();
        if (!m_dir.empty())
            std::filesystem::remove_all(m_dir);
    }

    ns3::Ptr<ns3::Node> Node(const std::string& name) { return m_world->GetNode(name); }
    std::string Pcap(const std::string& network) { return m_dir + "/pcap/" + network + ".pcap"; }
    // Ends the simulation, so that every capture is complete on disk.
    void Finish() { m_world.reset(); }

    // "src dst" of each frame matching `filter` in a network's capture.
    std::set<std::string> AddressPairs(const std::string& network, const std::string& filter) {
        std::set<std::string> pairs;
        for (auto& line : testkit::TsharkFields(Pcap(network), filter, {"ip.src", "ip.dst"})) {
            std::replace(line.begin(), line.end(), '|', ' ');
            pairs.insert(line);
        }
        return pairs;
    }
    std::size_t Count(const std::string& network, const std::string& filter) {
        return testkit::TsharkFields(Pcap(network), filter, {"frame.number"}).size();
    }

    std::string m_dir;
    std::unique_ptr<World> m_world;
};

TEST_F(NetworkTest, TcpToThePublicAddressReachesExpresswayE) {
    auto server = test::TcpEchoServer(Node("vcse"), 443);
    auto client = test::TcpConnect(Node("guest-pc"), "10.88.246.156", 443, 1.0, 3000);
    m_world->RunFor(5);

    EXPECT_TRUE(client->connected);
    EXPECT_EQ(client->peers, std::vector<std::string>{"10.88.246.156:443"});
    EXPECT_EQ(client->bytes, 3000u) << "the echo did not come back whole";
    ASSERT_EQ(server->peers.size(), 1u);
    EXPECT_EQ(server->peers[0].rfind("172.16.84.124:", 0), 0u) << server->peers[0];
    EXPECT_EQ(server->bytes, 3000u);
    Finish();

    EXPECT_EQ(
        AddressPairs("public", "tcp.port == 443"),
        (std::set<std::string>{"172.16.84.124 10.88.246.156", "10.88.246.156 172.16.84.124"}));
    EXPECT_EQ(
        AddressPairs("dmz", "tcp.port == 443"),
        (std::set<std::string>{"172.16.84.124 192.168.245.61", "192.168.245.61 172.16.84.124"}));
    EXPECT_EQ(
        AddressPairs("guest", "tcp.port == 443"),
        (std::set<std::string>{"172.16.84.124 10.88.246.156", "10.88.246.156 172.16.84.124"}));
    // The replies on the public side carry the public address as their source.
    EXPECT_GT(Count("public", "ip.src == 10.88.246.156 && tcp.srcport == 443 && "
                              "tcp.flags.syn == 1 && tcp.flags.ack == 1"),
              0u);
    EXPECT_EQ(Count("public", "ip.addr == 192.168.245.61"), 0u);
    for (const char* net : {"public", "dmz", "guest"})
        EXPECT_EQ(testkit::TsharkWarnings(Pcap(net)), "") << net;
}

TEST_F(NetworkTest, FirewallAdmitsOnlyTheAllowedPorts) {
    const std::vector<std::uint16_t> closed = {445, 22, 7001, 2222};
    std::vector<std::shared_ptr<Seen>> closed_servers, closed_clients;
    double at = 1.0;
    for (std::uint16_t port : closed) {
        // Something listens on Expressway-E, so only the firewall can keep the guest out.
        closed_servers.push_back(test::TcpEchoServer(Node("vcse"), port));
        closed_clients.push_back(test::TcpConnect(Node("guest-pc"), "10.88.246.156", port, at));
        at += 0.1;
    }
    auto tcp443 = test::TcpEchoServer(Node("vcse"), 443);
    auto tcp3478 = test::TcpEchoServer(Node("vcse"), 3478);
    auto udp3478 = test::UdpEchoServer(Node("vcse"), 3478);
    auto udp25000 = test::UdpEchoServer(Node("vcse"), 25000);
    auto c443 = test::TcpConnect(Node("guest-pc"), "10.88.246.156", 443, 2.0);
    auto c3478 = test::TcpConnect(Node("guest-pc"), "10.88.246.156", 3478, 2.1);
    auto u3478 = test::UdpSend(Node("guest-pc"), "10.88.246.156", 3478, 2.2);
    auto u25000 = test::UdpSend(Node("guest-pc"), "10.88.246.156", 25000, 2.3);
    m_world->RunFor(40); // long enough for every SYN retransmission to give up

    for (std::size_t i = 0; i < closed.size(); ++i) {
        EXPECT_FALSE(closed_clients[i]->connected) << closed[i];
        EXPECT_TRUE(closed_servers[i]->peers.empty()) << closed[i];
    }
    EXPECT_TRUE(c443->connected);
    EXPECT_TRUE(c3478->connected);
    EXPECT_EQ(udp3478->peers.size(), 1u);
    EXPECT_EQ(u3478->peers, std::vector<std::string>{"10.88.246.156:3478"});
    EXPECT_EQ(udp25000->peers.size(), 1u);
    EXPECT_EQ(u25000->peers, std::vector<std::string>{"10.88.246.156:25000"});

    const devices::NatFirewallEngine* nat = m_world->NatFirewall("edge-fw");
    ASSERT_NE(nat, nullptr);
    EXPECT_EQ(nat->Counters().dropped_flows, 4u);
    EXPECT_GE(nat->Counters().dropped_inbound, 8u) << "SYNs are retransmitted";
    EXPECT_EQ(nat->RuleHits(), (std::vector<std::uint64_t>{1, 1, 1, 1}));

    std::vector<std::string> dropped;
    for (const std::string& line : m_world->Log("edge-fw")->Lines()) {
        if (line.find("firewall: dropped") != std::string::npos)
            dropped.push_back(line);
    }
    ASSERT_EQ(dropped.size(), 4u);
    for (std::size_t i = 0; i < closed.size(); ++i) {
        const std::string tail =
            " -> 10.88.246.156:" + std::to_string(closed[i]) + " (no rule matches; default deny)";
        EXPECT_NE(dropped[i].find("firewall: dropped inbound TCP 172.16.84.124:"),
                  std::string::npos)
            << dropped[i];
        EXPECT_EQ(dropped[i].substr(dropped[i].size() - tail.size()), tail);
        EXPECT_EQ(dropped[i].rfind("2017-05-20 10:00:01.", 0), 0u) << dropped[i];
    }
    Finish();

    std::ifstream log(m_dir + "/logs/edge-fw.log");
    std::stringstream text;
    text << log.rdbuf();
    EXPECT_NE(text.str().find("dropped inbound TCP 172.16.84.124:"), std::string::npos);
    EXPECT_NE(text.str().find("-> 10.88.246.156:7001 (no rule matches; default deny)"),
              std::string::npos);

    EXPECT_GE(Count("public", "tcp.dstport == 445 && tcp.flags.syn == 1"), 2u);
    EXPECT_EQ(Count("public", "tcp.srcport == 445"), 0u);
    EXPECT_EQ(
        Count("dmz", "tcp.port == 445 || tcp.port == 22 || tcp.port == 7001 || tcp.port == 2222"),
        0u);
    EXPECT_GT(Count("dmz", "udp.dstport == 25000 && ip.dst == 192.168.245.61"), 0u);
}

TEST_F(NetworkTest, HairpinFromInsideReachesTheMappedHost) {
    auto server = test::UdpEchoServer(Node("vcse"), 3478);
    auto client = test::UdpSend(Node("cms"), "10.88.246.156", 3478, 1.0);
    m_world->RunFor(3);

    ASSERT_EQ(server->peers.size(), 1u);
    EXPECT_EQ(server->peers[0].rfind("172.16.85.180:", 0), 0u) << server->peers[0];
    EXPECT_EQ(m_world->NatFirewall("edge-fw")->Counters().reflected, 1u);
    Finish();
    EXPECT_EQ(AddressPairs("internal", "udp.dstport == 3478"),
              (std::set<std::string>{"172.16.85.180 10.88.246.156"}));
    EXPECT_EQ(AddressPairs("dmz", "udp.dstport == 3478"),
              (std::set<std::string>{"172.16.85.180 192.168.245.61"}));
}

TEST_F(NetworkTest, ExpresswayEReachesOutsideWithItsPublicAddress) {
    auto dns = test::UdpEchoServer(Node("ext-dns"), 53);
    auto client = test::UdpSend(Node("vcse"), "10.88.246.210", 53, 1.0, 40);
    m_world->RunFor(3);

    EXPECT_EQ(dns->peers.size(), 1u);
    EXPECT_EQ(dns->peers.at(0).rfind("10.88.246.156:", 0), 0u) << dns->peers.at(0);
    // The answer came back in through the firewall as return traffic.
    EXPECT_EQ(client->peers, std::vector<std::string>{"10.88.246.210:53"});
    EXPECT_EQ(m_world->NatFirewall("edge-fw")->Counters().translated_outbound, 1u);
    EXPECT_EQ(m_world->NatFirewall("edge-fw")->Counters().translated_inbound, 1u);
    Finish();
    EXPECT_EQ(
        AddressPairs("public", "udp.port == 53"),
        (std::set<std::string>{"10.88.246.156 10.88.246.210", "10.88.246.210 10.88.246.156"}));
    EXPECT_EQ(
        AddressPairs("dmz", "udp.port == 53"),
        (std::set<std::string>{"192.168.245.61 10.88.246.210", "10.88.246.210 192.168.245.61"}));
}

TEST_F(NetworkTest, EveryCaptureHasValidChecksums) {
    std::vector<std::shared_ptr<Seen>> keep;
    keep.push_back(test::TcpEchoServer(Node("vcse"), 443));
    keep.push_back(test::UdpEchoServer(Node("vcse"), 3478));
    // Not port 53: tshark would read the test bytes as (malformed) DNS.
    keep.push_back(test::UdpEchoServer(Node("ext-dns"), 9053));
    keep.push_back(test::UdpEchoServer(Node("ad-dns"), 9053));
    keep.push_back(test::TcpConnect(Node("guest-pc"), "10.88.246.156", 443, 1.0, 50000));
    keep.push_back(test::TcpConnect(Node("guest-pc"), "10.88.246.156", 445, 1.0));
    keep.push_back(test::UdpSend(Node("guest-pc"), "10.88.246.156", 3478, 1.1, 1200));
    keep.push_back(test::UdpSend(Node("guest-pc"), "10.88.246.210", 9053, 1.2, 40));
    keep.push_back(test::UdpSend(Node("vcse"), "10.88.246.210", 9053, 1.3, 40));
    keep.push_back(test::UdpSend(Node("vcsc"), "172.16.85.162", 9053, 1.4, 40));
    keep.push_back(test::UdpSend(Node("cms"), "10.88.246.156", 3478, 1.5, 3000)); // fragmented
    keep.push_back(test::UdpSend(Node("guest-pc"), "10.88.246.156", 3478, 1.6, 3000));
    m_world->RunFor(10);
    EXPECT_EQ(keep[4]->bytes, 50000u);
    Finish();

    for (const auto& network : {"internal", "dmz", "public", "guest"}) {
        ASSERT_TRUE(std::filesystem::exists(Pcap(network))) << network;
        EXPECT_GT(Count(network, "frame"), 0u) << network;
        EXPECT_EQ(testkit::TsharkWarnings(Pcap(network)), "") << network;
    }
    // The capture clock is the scenario's epoch.
    auto first = testkit::TsharkFields(Pcap("public"), "frame", {"frame.time_epoch"}, {"-c", "1"});
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first[0].substr(0, 6), "149527");
    // Fragmented datagrams through the NAT reassemble with a valid UDP checksum.
    EXPECT_GT(Count("dmz", "udp.dstport == 3478 && ip.src == 172.16.85.180 && udp.length == 3008"),
              0u);
}

TEST(NetworkWorld, SameSeedGivesTheSameCaptureBytes) {
    auto run = [](const std::string& dir) {
        BuildOptions options;
        options.out_dir = dir;
        auto world = World::Build(test::ReferenceNetwork(), options);
        EXPECT_TRUE(world) << world.Message();
        auto server = test::TcpEchoServer((*world)->GetNode("vcse"), 443);
        auto client =
            test::TcpConnect((*world)->GetNode("guest-pc"), "10.88.246.156", 443, 1.0, 5000);
        auto dropped = test::TcpConnect((*world)->GetNode("guest-pc"), "10.88.246.156", 22, 1.0);
        (*world)->RunFor(5);
    };
    auto read = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    char a_template[] = "/tmp/cmslab-network-a-XXXXXX";
    char b_template[] = "/tmp/cmslab-network-b-XXXXXX";
    ASSERT_NE(mkdtemp(a_template), nullptr);
    ASSERT_NE(mkdtemp(b_template), nullptr);
    run(a_template);
    run(b_template);
    for (const char* network : {"dmz", "public", "guest"}) {
        const std::string a = read(std::string(a_template) + "/pcap/" + network + ".pcap");
        const std::string b = read(std::string(b_template) + "/pcap/" + network + ".pcap");
        EXPECT_GT(a.size(), 24u) << network;
        EXPECT_EQ(a, b) << network;
    }
    EXPECT_EQ(read(std::string(a_template) + "/logs/edge-fw.log"),
              read(std::string(b_template) + "/logs/edge-fw.log"));
    std::filesystem::remove_all(a_template);
    std::filesystem::remove_all(b_template);
}

TEST(NetworkWorld, UnbuildableScenariosAreRefused) {
    scenario::Scenario s = test::ReferenceNetwork();
    s.nodes[2].interfaces[0].network = "nowhere";
    auto world = World::Build(s, {});
    ASSERT_FALSE(world);
    EXPECT_NE(world.Message().find("unknown network 'nowhere'"), std::string::npos);

    s = test::ReferenceNetwork();
    s.nodes[2].gateway = *IpAddress::Parse("10.0.0.1");
    EXPECT_FALSE(World::Build(s, {}));

    s = test::ReferenceNetwork();
    s.nat_firewalls[0].outside_network = "guest";
    EXPECT_FALSE(World::Build(s, {}));

    s = test::ReferenceNetwork();
    s.nat_firewalls[0].mappings[0].outside = *IpAddress::Parse("10.88.246.210");
    EXPECT_FALSE(World::Build(s, {})) << "the outside address belongs to ext-dns";

    // One world at a time: the simulator is process-wide.
    auto first = World::Build(test::ReferenceNetwork(), {});
    ASSERT_TRUE(first);
    EXPECT_FALSE(World::Build(test::ReferenceNetwork(), {}));
}

} // namespace
} // namespace cmslab::network
