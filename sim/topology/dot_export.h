// The topology as Graphviz DOT: networks as boxes with their prefix, hosts with their role
// and addresses, interfaces as edges labelled with name and address, static NAT mappings
// as dashed edges from the NAT node to the inside host.
#pragma once

#include "topology/topology.h"

#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>

#include <sstream>
#include <string>

namespace cmslab::topology {

namespace detail {

inline std::string DotQuote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\n') {
            out += "\\n"; // Graphviz's centred line break
            continue;
        }
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

inline std::string DotId(const Graph& g, Vertex v) {
    return (g[v].kind == VertexKind::Network ? "net:" : "node:") + g[v].name;
}

} // namespace detail

inline std::string ToDot(const Topology& t) {
    const auto& g = t.GetGraph();
    const auto& s = t.GetScenario();
    auto vertex_writer = [&t, &g](std::ostream& os, Vertex v) {
        if (g[v].kind == VertexKind::Network) {
            const auto& net = t.NetworkOf(v);
            os << "[shape=box, style=filled, fillcolor=lightgrey, label="
               << detail::DotQuote(net.name + "\n" + net.prefix.ToString()) << "]";
            return;
        }
        const auto& node = t.NodeOf(v);
        std::string label = node.name + "\n(" + node.role + ")";
        for (const auto& i : node.interfaces)
            label += "\n" + i.name + " " + i.address.ToString();
        const bool forwards = node.role == "router" || node.role == "nat_firewall";
        os << "[shape=" << (forwards ? "octagon" : "ellipse")
           << ", label=" << detail::DotQuote(label) << "]";
    };
    auto edge_writer = [&t, &g](std::ostream& os, Edge e) {
        const auto& info = g[e];
        if (info.kind == EdgeKind::NatMapping) {
            os << "[style=dashed, label="
               << detail::DotQuote("static NAT " + info.address.ToString() + " <-> " +
                                   info.inside.ToString())
               << "]";
            return;
        }
        const auto& node = t.NodeOf(t.HostSide(e));
        const auto& iface = node.interfaces.at(info.interface_index);
        os << "[label=" << detail::DotQuote(iface.name + " " + iface.address.ToString()) << "]";
    };
    auto graph_writer = [&s](std::ostream& os) {
        os << "label=" << detail::DotQuote("cmslab scenario " + s.name) << ";\n";
        os << "fontname=Helvetica;\nnode [fontname=Helvetica];\nedge [fontname=Helvetica, "
              "fontsize=10];\n";
    };
    auto ids = boost::make_function_property_map<Vertex, std::string>(
        [&g](Vertex v) { return detail::DotId(g, v); });
    std::ostringstream os;
    boost::write_graphviz(os, g, vertex_writer, edge_writer, graph_writer, ids);
    return os.str();
}

} // namespace cmslab::topology
