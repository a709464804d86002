// Where a packet goes: a hop-by-hop walk over the topology graph with the forwarding rules
// of the scenario (connected networks, static routes by longest prefix, the default
// gateway, only routers and NAT firewalls forward, static NAT in both directions).
// Packet filters are not applied: a blocked port is something to simulate, not a
// structural mistake.
#pragma once

#include "topology/topology.h"

#include <string>
#include <vector>

namespace cmslab::topology {

struct Hop {
    std::string node;           // the node sending
    std::string interface_name; // its egress interface
    std::string network;        // the network crossed
    std::string next_node;      // who received it
    IpAddress source;           // as on that network
    IpAddress destination;
};

struct RouteTrace {
    bool reached = false;
    std::string destination_node; // when reached
    IpAddress source_at_arrival;  // after any NAT, what the receiver sees
    std::vector<Hop> hops;
    std::string failure; // why not, when not reached

    std::string ToString() const {
        std::string out;
        for (const auto& h : hops)
            out += h.node + " -[" + h.interface_name + " " + h.network + " " + h.source.ToString() +
                   "->" + h.destination.ToString() + "]-> ";
        out += reached ? destination_node : "(" + failure + ")";
        return out;
    }
};

namespace detail {

inline bool Forwards(const std::string& role) {
    return role == "router" || role == "nat_firewall";
}

inline bool Holds(const scenario::Node& n, const IpAddress& a) {
    for (const auto& i : n.interfaces)
        if (i.address == a)
            return true;
    return false;
}

struct Lookup {
    Edge egress;
    IpAddress next_hop;
};

// Longest prefix match over connected networks and static routes, then the gateway.
inline std::optional<Lookup> LookupRoute(const Topology& t, Vertex host, const IpAddress& dst) {
    const auto& g = t.GetGraph();
    const auto& node = t.NodeOf(host);
    const auto ifaces = t.InterfaceEdges(host);
    auto egress_toward = [&](const IpAddress& a) -> std::optional<Edge> {
        for (const auto& e : ifaces)
            if (t.NetworkOf(t.OtherSide(e, host)).prefix.Contains(a))
                return e;
        return std::nullopt;
    };
    std::optional<Lookup> best;
    int best_len = -1;
    for (const auto& e : ifaces) {
        const auto& prefix = t.NetworkOf(t.OtherSide(e, host)).prefix;
        if (prefix.Contains(dst) && prefix.length > best_len) {
            best = Lookup{e, dst};
            best_len = prefix.length;
        }
    }
    for (const auto& r : node.routes) {
        if (!r.destination.Contains(dst) || r.destination.length <= best_len)
            continue;
        if (auto e = egress_toward(r.via)) {
            best = Lookup{*e, r.via};
            best_len = r.destination.length;
        }
    }
    if (!best && node.gateway)
        if (auto e = egress_toward(*node.gateway))
            best = Lookup{*e, *node.gateway};
    (void)g;
    return best;
}

} // namespace detail

// Follows a packet from node `from` to `to`. The source address is that of the first
// egress interface, rewritten by NAT on the way.
inline RouteTrace TraceRoute(const Topology& t, const std::string& from, const IpAddress& to) {
    RouteTrace trace;
    const auto& g = t.GetGraph();
    const auto& s = t.GetScenario();
    auto start = t.HostVertex(from);
    if (!start) {
        trace.failure = "no node named " + from;
        return trace;
    }
    Vertex cur = *start;
    IpAddress src = to;
    IpAddress dst = to;
    std::optional<std::string> arrived_on;
    const int kHopLimit = 32;
    for (int step = 0; step <= kHopLimit; ++step) {
        const auto& node = t.NodeOf(cur);
        const auto* nat = s.FindNatFirewall(node.name);
        if (nat && !detail::Holds(node, dst)) {
            for (const auto& m : nat->mappings) {
                if (m.outside != dst)
                    continue;
                if (arrived_on && *arrived_on != nat->outside_network && !nat->reflection) {
                    trace.failure = node.name + " does not translate " + dst.ToString() +
                                    " for inside hosts (NAT reflection is off)";
                    return trace;
                }
                dst = m.inside;
                break;
            }
        }
        if (detail::Holds(node, dst)) {
            trace.reached = true;
            trace.destination_node = node.name;
            trace.source_at_arrival = src;
            return trace;
        }
        if (step > 0 && !detail::Forwards(node.role)) {
            trace.failure =
                node.name + " (" + node.role + ") does not forward packets for " + dst.ToString();
            return trace;
        }
        auto route = detail::LookupRoute(t, cur, dst);
        if (!route) {
            trace.failure = node.name + " has no route to " + dst.ToString();
            return trace;
        }
        const auto& iface = node.interfaces.at(g[route->egress].interface_index);
        const auto net_vertex = t.OtherSide(route->egress, cur);
        const auto& net_name = g[net_vertex].name;
        if (step == 0)
            src = iface.address;
        if (nat && net_name == nat->outside_network)
            for (const auto& m : nat->mappings)
                if (m.inside == src)
                    src = m.outside;
        auto owner = t.OwnerOn(net_vertex, route->next_hop);
        if (!owner) {
            trace.failure = "no node has " + route->next_hop.ToString() + " on network " +
                            net_name + " (next hop of " + node.name + ")";
            return trace;
        }
        trace.hops.push_back(Hop{node.name, iface.name, net_name, g[owner->host].name, src, dst});
        cur = owner->host;
        arrived_on = net_name;
    }
    trace.failure = "more than " + std::to_string(kHopLimit) + " hops (a routing loop?)";
    return trace;
}

struct RoundTrip {
    bool ok = false;
    std::string from_node;
    IpAddress requested; // the address the request was sent to
    RouteTrace forward;
    RouteTrace reply;

    std::string Explain() const {
        if (!forward.reached)
            return forward.failure;
        if (!reply.reached)
            return "no way back from " + forward.destination_node + " to " +
                   forward.source_at_arrival.ToString() + ": " + reply.failure;
        if (reply.destination_node != from_node)
            return "replies from " + forward.destination_node + " to " +
                   forward.source_at_arrival.ToString() + " reach " + reply.destination_node;
        if (!ok)
            return "replies reach " + from_node + " from " + reply.source_at_arrival.ToString() +
                   " instead of " + requested.ToString() +
                   " (asymmetric path: a reply from another address is not an answer)";
        return "ok";
    }
};

// A request from `from` to `to` and its reply back to the address the receiver saw.
inline RoundTrip CheckRoundTrip(const Topology& t, const std::string& from, const IpAddress& to) {
    RoundTrip rt;
    rt.from_node = from;
    rt.requested = to;
    rt.forward = TraceRoute(t, from, to);
    if (!rt.forward.reached)
        return rt;
    rt.reply = TraceRoute(t, rt.forward.destination_node, rt.forward.source_at_arrival);
    // The reply must come back to the sender from the address it asked, as a UDP client
    // (a resolver) only accepts that.
    rt.ok =
        rt.reply.reached && rt.reply.destination_node == from && rt.reply.source_at_arrival == to;
    return rt;
}

} // namespace cmslab::topology
