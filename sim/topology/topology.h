// The deployment as a graph: one vertex per host or router, one per network, one edge per
// interface, and a dashed edge per static NAT mapping (NAT node to the inside host). Built
// from a Scenario; route tracing and the DOT export work on it. Header-only, no ns-3.
#pragma once

#include "scenario/scenario.h"

// g++ 12 with sanitizers reports a maybe-uninitialized boost::optional inside Boost.Graph's
// named-graph support (a false positive in Boost 1.74 code this project does not own).
// clang has no such warning (and would refuse the unknown name under -Werror).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/graph/adjacency_list.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::topology {

enum class VertexKind { Host, Network };

struct VertexInfo {
    VertexKind kind = VertexKind::Host;
    std::string name;
    std::size_t index = 0; // into Scenario::nodes or Scenario::networks
};

enum class EdgeKind { Interface, NatMapping };

struct EdgeInfo {
    EdgeKind kind = EdgeKind::Interface;
    std::size_t interface_index = 0; // Interface: index into the node's interfaces
    IpAddress address;               // Interface: its address; NatMapping: the outside one
    IpAddress inside;                // NatMapping only
};

using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexInfo, EdgeInfo>;
using Vertex = Graph::vertex_descriptor;
using Edge = Graph::edge_descriptor;

// Who answers for an address on a network: a host with that interface address, or the
// NAT node when the address is one of its mapped outside addresses.
struct Owner {
    Vertex host;
    bool nat_address = false;
};

class Topology {
  public:
    // The scenario must outlive the topology. Interfaces naming unknown networks are left
    // out (validation reports them).
    explicit Topology(const scenario::Scenario& s) : m_scenario(&s) {
        for (std::size_t i = 0; i < s.networks.size(); ++i) {
            auto v =
                boost::add_vertex(VertexInfo{VertexKind::Network, s.networks[i].name, i}, m_graph);
            m_networks.emplace(s.networks[i].name, v);
        }
        for (std::size_t i = 0; i < s.nodes.size(); ++i) {
            auto v = boost::add_vertex(VertexInfo{VertexKind::Host, s.nodes[i].name, i}, m_graph);
            m_hosts.emplace(s.nodes[i].name, v);
        }
        for (std::size_t i = 0; i < s.nodes.size(); ++i) {
            const auto host = m_hosts.at(s.nodes[i].name);
            const auto& ifaces = s.nodes[i].interfaces;
            for (std::size_t k = 0; k < ifaces.size(); ++k) {
                auto net = NetworkVertex(ifaces[k].network);
                if (!net)
                    continue;
                EdgeInfo e;
                e.kind = EdgeKind::Interface;
                e.interface_index = k;
                e.address = ifaces[k].address;
                boost::add_edge(host, *net, e, m_graph);
            }
        }
        for (const auto& nat : s.nat_firewalls) {
            auto nat_host = HostVertex(nat.node);
            if (!nat_host)
                continue;
            for (const auto& m : nat.mappings) {
                auto inside = InterfaceHolder(m.inside);
                if (!inside)
                    continue;
                EdgeInfo e;
                e.kind = EdgeKind::NatMapping;
                e.address = m.outside;
                e.inside = m.inside;
                boost::add_edge(*nat_host, *inside, e, m_graph);
            }
        }
    }

    const Graph& GetGraph() const { return m_graph; }
    const scenario::Scenario& GetScenario() const { return *m_scenario; }

    std::optional<Vertex> HostVertex(const std::string& name) const {
        auto it = m_hosts.find(name);
        return it == m_hosts.end() ? std::nullopt : std::optional<Vertex>(it->second);
    }
    std::optional<Vertex> NetworkVertex(const std::string& name) const {
        auto it = m_networks.find(name);
        return it == m_networks.end() ? std::nullopt : std::optional<Vertex>(it->second);
    }

    const scenario::Node& NodeOf(Vertex host) const {
        return m_scenario->nodes.at(m_graph[host].index);
    }
    const scenario::Network& NetworkOf(Vertex network) const {
        return m_scenario->networks.at(m_graph[network].index);
    }

    // The interface edges of a host (to its networks).
    std::vector<Edge> InterfaceEdges(Vertex host) const {
        std::vector<Edge> out;
        for (auto [it, end] = boost::out_edges(host, m_graph); it != end; ++it)
            if (m_graph[*it].kind == EdgeKind::Interface)
                out.push_back(*it);
        return out;
    }

    // Who answers ARP for `address` on `network`.
    std::optional<Owner> OwnerOn(Vertex network, const IpAddress& address) const {
        for (auto [it, end] = boost::out_edges(network, m_graph); it != end; ++it)
            if (m_graph[*it].kind == EdgeKind::Interface && m_graph[*it].address == address)
                return Owner{boost::target(*it, m_graph), false};
        const auto& net_name = m_graph[network].name;
        for (const auto& nat : m_scenario->nat_firewalls) {
            if (nat.outside_network != net_name)
                continue;
            for (const auto& m : nat.mappings)
                if (m.outside == address)
                    if (auto host = HostVertex(nat.node))
                        return Owner{*host, true};
        }
        return std::nullopt;
    }

    // The host with `address` on one of its interfaces.
    std::optional<Vertex> InterfaceHolder(const IpAddress& address) const {
        for (auto [it, end] = boost::edges(m_graph); it != end; ++it)
            if (m_graph[*it].kind == EdgeKind::Interface && m_graph[*it].address == address)
                return HostSide(*it);
        return std::nullopt;
    }

    // The host that finally receives what is sent to `address`: its interface holder, or
    // for a mapped outside address the holder of the inside address.
    std::optional<Vertex> FinalOwnerOf(const IpAddress& address) const {
        if (auto v = InterfaceHolder(address))
            return v;
        for (const auto& nat : m_scenario->nat_firewalls)
            for (const auto& m : nat.mappings)
                if (m.outside == address)
                    return InterfaceHolder(m.inside);
        return std::nullopt;
    }

    Vertex HostSide(Edge e) const {
        auto a = boost::source(e, m_graph);
        return m_graph[a].kind == VertexKind::Host ? a : boost::target(e, m_graph);
    }
    Vertex OtherSide(Edge e, Vertex v) const {
        auto a = boost::source(e, m_graph);
        return a == v ? boost::target(e, m_graph) : a;
    }

  private:
    const scenario::Scenario* m_scenario;
    Graph m_graph;
    std::map<std::string, Vertex> m_hosts;
    std::map<std::string, Vertex> m_networks;
};

} // namespace cmslab::topology
