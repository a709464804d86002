#include "network_check.h"

#include <set>

namespace cmslab::network {

namespace {

const scenario::Network* FindNetwork(const scenario::Scenario& s, const std::string& name) {
    for (const scenario::Network& n : s.networks) {
        if (n.name == name)
            return &n;
    }
    return nullptr;
}

const scenario::Node* FindNode(const scenario::Scenario& s, const std::string& name) {
    for (const scenario::Node& n : s.nodes) {
        if (n.name == name)
            return &n;
    }
    return nullptr;
}

std::uint32_t Mask(std::uint8_t length) {
    return length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
}

} // namespace

bool InPrefix(const scenario::Prefix& prefix, const IpAddress& address) {
    if (!prefix.address.IsV4() || !address.IsV4() || prefix.length > 32)
        return false;
    const std::uint32_t mask = Mask(prefix.length);
    return (prefix.address.V4Value() & mask) == (address.V4Value() & mask);
}

std::string PrefixText(const scenario::Prefix& prefix) {
    return prefix.address.ToString() + "/" + std::to_string(prefix.length);
}

int InterfaceOnLinkWith(const scenario::Scenario& scenario, const scenario::Node& node,
                        const IpAddress& address) {
    for (std::size_t i = 0; i < node.interfaces.size(); ++i) {
        const scenario::Network* net = FindNetwork(scenario, node.interfaces[i].network);
        if (net && InPrefix(net->prefix, address))
            return static_cast<int>(i);
    }
    return -1;
}

std::string FileNameFor(const std::string& name) {
    std::string out = name;
    for (char& c : out) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok)
            c = '_';
    }
    if (out.empty() || out[0] == '.')
        out = "_" + out;
    return out;
}

std::optional<std::string> CheckNetwork(const scenario::Scenario& s) {
    if (s.networks.empty())
        return "the scenario has no networks";
    if (s.nodes.empty())
        return "the scenario has no nodes";
    std::set<std::string> names;
    for (const scenario::Network& n : s.networks) {
        if (n.name.empty() || !names.insert(n.name).second)
            return "network name '" + n.name + "' is empty or used twice";
        if (!n.prefix.address.IsV4() || n.prefix.length > 32)
            return "network " + n.name + ": only IPv4 prefixes are modelled";
    }
    names.clear();
    std::set<IpAddress> addresses;
    for (const scenario::Node& node : s.nodes) {
        if (node.name.empty() || !names.insert(node.name).second)
            return "node name '" + node.name + "' is empty or used twice";
        if (node.interfaces.empty())
            return "node " + node.name + " has no interface";
        std::set<std::string> networks;
        for (const scenario::Interface& itf : node.interfaces) {
            const scenario::Network* net = FindNetwork(s, itf.network);
            if (!net)
                return "node " + node.name + ": unknown network '" + itf.network + "'";
            if (!networks.insert(itf.network).second)
                return "node " + node.name + ": two interfaces on network " + itf.network;
            if (!InPrefix(net->prefix, itf.address))
                return "node " + node.name + ": address " + itf.address.ToString() +
                       " is not in network " + itf.network + " (" + PrefixText(net->prefix) + ")";
            if (!addresses.insert(itf.address).second)
                return "address " + itf.address.ToString() + " is used twice";
        }
        if (node.gateway && InterfaceOnLinkWith(s, node, *node.gateway) < 0)
            return "node " + node.name + ": gateway " + node.gateway->ToString() +
                   " is on none of its networks";
        for (const scenario::Route& r : node.routes) {
            if (!r.destination.address.IsV4() || r.destination.length > 32)
                return "node " + node.name + ": only IPv4 routes are modelled";
            if (InterfaceOnLinkWith(s, node, r.via) < 0)
                return "node " + node.name + ": route via " + r.via.ToString() +
                       " is on none of its networks";
        }
    }
    std::set<std::string> nat_nodes;
    for (const scenario::NatFirewall& nat : s.nat_firewalls) {
        const scenario::Node* node = FindNode(s, nat.node);
        if (!node)
            return "nat_firewall: unknown node '" + nat.node + "'";
        if (!nat_nodes.insert(nat.node).second)
            return "nat_firewall: node " + nat.node + " is named twice";
        const scenario::Network* outside = FindNetwork(s, nat.outside_network);
        bool attached = false;
        for (const scenario::Interface& itf : node->interfaces)
            attached = attached || itf.network == nat.outside_network;
        if (!outside || !attached)
            return "nat_firewall " + nat.node + ": outside network '" + nat.outside_network +
                   "' is not one of its networks";
        for (const scenario::NatMapping& m : nat.mappings) {
            if (!m.inside.IsV4() || !m.outside.IsV4())
                return "nat_firewall " + nat.node + ": only IPv4 mappings are modelled";
            if (!InPrefix(outside->prefix, m.outside))
                return "nat_firewall " + nat.node + ": outside address " + m.outside.ToString() +
                       " is not in network " + nat.outside_network;
            if (!addresses.insert(m.outside).second)
                return "nat_firewall " + nat.node + ": outside address " + m.outside.ToString() +
                       " is also a node's address or mapped twice";
        }
    }
    return std::nullopt;
}

} // namespace cmslab::network
