// The topology graph of the reference deployment: who reaches whom, and the DOT export
// read back by an independent parser (Boost's Graphviz reader).
#include "scenario_test_util.h"

#include "scenario/loader.h"
#include "support/values.h"
#include "topology/dot_export.h"
#include "topology/route_trace.h"

#include <boost/graph/graphviz.hpp>
#include <gtest/gtest.h>

namespace cmslab::topology {
namespace {

using cmslab::testkit::Ip;

class ReferenceTopology : public ::testing::Test {
  protected:
    void SetUp() override {
        auto r = scenario::LoadScenario(scenario::test::SourcePath("scenarios/reference.json"));
        ASSERT_TRUE(r.Ok()) << r.Report();
        m_scenario = *r.scenario;
        m_topology.emplace(m_scenario);
    }
    const Topology& T() const { return *m_topology; }
    scenario::Scenario m_scenario;
    std::optional<Topology> m_topology;
};

TEST_F(ReferenceTopology, GraphHasHostsNetworksInterfacesAndNatMappings) {
    const auto& g = T().GetGraph();
    // 4 networks; 9 nodes (the administrator's PC included)
    EXPECT_EQ(boost::num_vertices(g), 4u + 9u);
    EXPECT_EQ(boost::num_edges(g), 13u + 1u); // interfaces + the static NAT mapping
    auto vcse = T().HostVertex("vcse");
    ASSERT_TRUE(vcse);
    EXPECT_EQ(T().InterfaceEdges(*vcse).size(), 2u);
    EXPECT_EQ(boost::degree(*T().NetworkVertex("public"), g), 3u); // fw, guest router, ext DNS
}

TEST_F(ReferenceTopology, GuestReachesExternalDnsAndThePublicAddress) {
    auto dns = CheckRoundTrip(T(), "guest-pc", Ip("10.88.246.210"));
    EXPECT_TRUE(dns.ok) << dns.Explain();
    EXPECT_EQ(dns.forward.destination_node, "ext-dns");
    EXPECT_EQ(dns.forward.hops.size(), 2u);

    auto web = CheckRoundTrip(T(), "guest-pc", Ip("10.88.246.156"));
    EXPECT_TRUE(web.ok) << web.Explain() << " " << web.forward.ToString();
    EXPECT_EQ(web.forward.destination_node, "vcse");
    // Expressway-E sees the guest's own address (the guest router does no NAT).
    EXPECT_EQ(web.forward.source_at_arrival, Ip("172.16.84.124"));
    ASSERT_EQ(web.forward.hops.size(), 3u);
    EXPECT_EQ(web.forward.hops[2].node, "edge-fw");
    EXPECT_EQ(web.forward.hops[2].destination, Ip("192.168.245.61")); // translated
    // The reply leaves the firewall from the public address.
    EXPECT_EQ(web.reply.source_at_arrival, Ip("10.88.246.156"));
}

TEST_F(ReferenceTopology, CmsReachesInternalDns) {
    auto rt = CheckRoundTrip(T(), "cms", Ip("172.16.85.162"));
    EXPECT_TRUE(rt.ok) << rt.Explain();
    EXPECT_EQ(rt.forward.destination_node, "ad-dns");
    EXPECT_EQ(rt.forward.hops.size(), 1u);
}

TEST_F(ReferenceTopology, ExpresswayEReachesExternalDnsThroughLan2) {
    auto rt = CheckRoundTrip(T(), "vcse", Ip("10.88.246.210"));
    EXPECT_TRUE(rt.ok) << rt.Explain();
    ASSERT_FALSE(rt.forward.hops.empty());
    EXPECT_EQ(rt.forward.hops[0].interface_name, "LAN2");
    EXPECT_EQ(rt.forward.hops[0].next_node, "edge-fw");
    // Static NAT: the DNS server sees the public address.
    EXPECT_EQ(rt.forward.source_at_arrival, Ip("10.88.246.156"));
    // And Expressway-E reaches CMS directly on LAN1.
    auto cms = TraceRoute(T(), "vcse", Ip("172.16.85.180"));
    ASSERT_TRUE(cms.reached);
    EXPECT_EQ(cms.hops[0].interface_name, "LAN1");
}

TEST_F(ReferenceTopology, WhatIsNotReachable) {
    // Private inside addresses are not routed on the public side.
    auto rt = TraceRoute(T(), "guest-pc", Ip("172.16.85.180"));
    EXPECT_FALSE(rt.reached);
    EXPECT_NE(rt.failure.find("guest-router has no route"), std::string::npos) << rt.failure;
    // Hosts do not forward: with Expressway-E as its gateway, CMS gets nowhere.
    auto s = m_scenario;
    s.nodes[4].gateway = Ip("172.16.85.168");
    Topology via_host(s);
    rt = TraceRoute(via_host, "cms", Ip("10.88.246.210"));
    EXPECT_FALSE(rt.reached);
    EXPECT_NE(rt.failure.find("vcse (expressway_e) does not forward"), std::string::npos)
        << rt.failure;
}

TEST_F(ReferenceTopology, NatReflectionDecidesHairpinTraffic) {
    // CMS addressing the public address: with reflection the firewall sends it on to
    // Expressway-E (the reply comes back directly on LAN1, from another address).
    auto on = TraceRoute(T(), "cms", Ip("10.88.246.156"));
    EXPECT_TRUE(on.reached);
    EXPECT_EQ(on.destination_node, "vcse");
    auto rt = CheckRoundTrip(T(), "cms", Ip("10.88.246.156"));
    EXPECT_FALSE(rt.ok);
    EXPECT_NE(rt.Explain().find("asymmetric"), std::string::npos) << rt.Explain();

    auto s = m_scenario;
    s.nat_firewalls[0].reflection = false;
    Topology off_topology(s);
    auto off = TraceRoute(off_topology, "cms", Ip("10.88.246.156"));
    EXPECT_FALSE(off.reached);
    EXPECT_NE(off.failure.find("reflection is off"), std::string::npos) << off.failure;
}

TEST_F(ReferenceTopology, RoutingLoopIsCutShort) {
    auto s = m_scenario;
    // Two routers pointing at each other for an unknown prefix.
    s.nodes[0].routes.push_back({*scenario::Prefix::Parse("203.0.113.0/24"), Ip("10.88.246.2")});
    s.nodes[1].gateway = Ip("10.88.246.1");
    Topology loop(s);
    auto rt = TraceRoute(loop, "guest-pc", Ip("203.0.113.5"));
    EXPECT_FALSE(rt.reached);
    EXPECT_NE(rt.failure.find("routing loop"), std::string::npos) << rt.failure;
}

struct DotVertex {
    std::string id, label, shape;
};
struct DotEdge {
    std::string label, style;
};

TEST_F(ReferenceTopology, DotExportParsesBack) {
    const auto dot = ToDot(T());
    using DotGraph =
        boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, DotVertex, DotEdge>;
    DotGraph parsed;
    boost::dynamic_properties dp(boost::ignore_other_properties);
    dp.property("node_id", boost::get(&DotVertex::id, parsed));
    dp.property("label", boost::get(&DotVertex::label, parsed));
    dp.property("shape", boost::get(&DotVertex::shape, parsed));
    dp.property("label", boost::get(&DotEdge::label, parsed));
    dp.property("style", boost::get(&DotEdge::style, parsed));
    ASSERT_TRUE(boost::read_graphviz(dot, parsed, dp)) << dot;
    EXPECT_EQ(boost::num_vertices(parsed), 13u);
    EXPECT_EQ(boost::num_edges(parsed), 14u);
    std::map<std::string, DotVertex> by_id;
    for (auto [it, end] = boost::vertices(parsed); it != end; ++it)
        by_id[parsed[*it].id] = parsed[*it];
    ASSERT_TRUE(by_id.count("net:public"));
    EXPECT_EQ(by_id["net:public"].shape, "box");
    EXPECT_NE(by_id["net:public"].label.find("10.88.246.0/24"), std::string::npos);
    ASSERT_TRUE(by_id.count("node:vcse"));
    EXPECT_NE(by_id["node:vcse"].label.find("expressway_e"), std::string::npos);
    EXPECT_NE(by_id["node:vcse"].label.find("LAN2 192.168.245.61"), std::string::npos);
    int nat_edges = 0;
    for (auto [it, end] = boost::edges(parsed); it != end; ++it)
        if (parsed[*it].style == "dashed" &&
            parsed[*it].label == "static NAT 10.88.246.156 <-> 192.168.245.61")
            ++nat_edges;
    EXPECT_EQ(nat_edges, 1);
}

TEST(OtherTopology, BuiltFromAnyScenario) {
    auto r =
        scenario::LoadScenario(scenario::test::SourcePath("tests/sim/data/other-deployment.json"));
    ASSERT_TRUE(r.Ok()) << r.Report();
    Topology t(*r.scenario);
    EXPECT_EQ(boost::num_vertices(t.GetGraph()), 12u);
    auto rt = CheckRoundTrip(t, "laptop", Ip("203.0.113.80"));
    EXPECT_TRUE(rt.ok) << rt.Explain();
    EXPECT_EQ(rt.forward.destination_node, "expe1");
    EXPECT_EQ(rt.forward.hops.back().destination, Ip("198.18.10.5"));
}

} // namespace
} // namespace cmslab::topology
