#include "ladder/deployment_map.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace cmslab::ladder {

namespace {

bool Forwards(const std::string& role) {
    return role == "router" || role == "nat_firewall";
}

// Column rank inside one distance from the guest: the boxes a join talks to first, then
// the DNS servers and other hosts, and the routers last (they lead further out).
int RoleRank(const std::string& role) {
    static const std::map<std::string, int> rank = {{"browser", 0},      {"expressway_e", 1},
                                                    {"expressway_c", 2}, {"cms", 3},
                                                    {"dns_server", 4},   {"host", 5}};
    if (Forwards(role))
        return 7;
    auto it = rank.find(role);
    return it == rank.end() ? 6 : it->second;
}

// Graphviz's "\n" inside a quoted label, split into lines.
std::vector<std::string> LabelLines(const std::string& label) {
    std::vector<std::string> lines(1);
    for (std::size_t i = 0; i < label.size(); ++i) {
        if (label[i] == '\\' && i + 1 < label.size()) {
            if (label[i + 1] == 'n')
                lines.emplace_back();
            else
                lines.back() += label[i + 1];
            ++i;
            continue;
        }
        lines.back() += label[i];
    }
    return lines;
}

} // namespace

Expected<DeploymentMap> DeploymentMap::Read(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return Error{"cannot read " + path};
    std::stringstream text;
    text << in.rdbuf();
    auto map = Parse(text.str());
    if (!map)
        return Error{path + ": " + map.Message()};
    return map;
}

Expected<DeploymentMap> DeploymentMap::Parse(const std::string& dot) {
    // The lines sim/topology/dot_export.h writes: a box, an interface edge, a NAT edge.
    static const std::regex node_line(
        R"re(^"node:([^"]+)"\[shape=\w+, label="((?:[^"\\]|\\.)*)"\];)re");
    static const std::regex iface_line(
        R"re(^"node:([^"]+)"--"net:([^"]+)" \[label="(\S+) (\S+)"\];)re");
    static const std::regex nat_line(
        R"re(^"node:([^"]+)"--"node:([^"]+)" \[style=dashed, label="static NAT (\S+) <-> (\S+)"\];)re");
    DeploymentMap map;
    std::istringstream lines(dot);
    std::string line;
    std::smatch m;
    while (std::getline(lines, line)) {
        if (std::regex_search(line, m, node_line)) {
            Box box;
            box.name = m[1];
            const auto label = LabelLines(m[2]);
            if (label.size() >= 2 && label[1].size() > 2 && label[1].front() == '(')
                box.role = label[1].substr(1, label[1].size() - 2);
            map.m_boxes.push_back(std::move(box));
        } else if (std::regex_search(line, m, iface_line)) {
            auto address = IpAddress::Parse(m[4].str());
            auto box = std::find_if(map.m_boxes.begin(), map.m_boxes.end(),
                                    [&](const Box& b) { return b.name == m[1].str(); });
            if (!address || box == map.m_boxes.end())
                return Error{"unreadable interface line: " + line};
            box->interfaces.push_back(BoxInterface{m[3], *address, m[2]});
        } else if (std::regex_search(line, m, nat_line)) {
            auto outside = IpAddress::Parse(m[3].str());
            auto inside = IpAddress::Parse(m[4].str());
            if (!outside || !inside)
                return Error{"unreadable NAT line: " + line};
            map.m_nat.push_back(NatMapping{m[1], *outside, *inside, m[2]});
        }
    }
    if (map.m_boxes.empty())
        return Error{"no box in the topology"};
    map.OrderColumns();
    map.IndexOwners();
    return map;
}

void DeploymentMap::OrderColumns() {
    // Distance from the guest's browser in forwarding boxes crossed: breadth first over
    // boxes and the networks they share.
    std::map<std::string, int> distance;
    std::deque<std::string> queue;
    for (const Box& b : m_boxes)
        if (b.role == "browser") {
            distance[b.name] = 0;
            queue.push_back(b.name);
        }
    std::set<std::string> networks_seen;
    while (!queue.empty()) {
        const std::string name = queue.front();
        queue.pop_front();
        const Box& box = *std::find_if(m_boxes.begin(), m_boxes.end(),
                                       [&](const Box& b) { return b.name == name; });
        const int step = distance[name] + (Forwards(box.role) ? 1 : 0);
        for (const BoxInterface& i : box.interfaces) {
            if (!networks_seen.insert(i.network).second)
                continue;
            for (const Box& other : m_boxes)
                for (const BoxInterface& j : other.interfaces)
                    if (j.network == i.network && !distance.count(other.name)) {
                        distance[other.name] = step;
                        queue.push_back(other.name);
                    }
        }
    }
    auto key = [&](const Box& b) {
        auto it = distance.find(b.name);
        return std::make_tuple(it == distance.end() ? 1000 : it->second, RoleRank(b.role), b.name);
    };
    std::stable_sort(m_boxes.begin(), m_boxes.end(),
                     [&](const Box& a, const Box& b) { return key(a) < key(b); });
}

// Asked for both ends of every packet the ladder draws: an index, not a walk through
// every box's interfaces. An interface address wins over a NAT outside address.
void DeploymentMap::IndexOwners() {
    m_owners.clear();
    for (std::size_t b = 0; b < m_boxes.size(); ++b)
        for (const BoxInterface& i : m_boxes[b].interfaces)
            m_owners.emplace(i.address, Owner{b, false});
    for (std::size_t n = 0; n < m_nat.size(); ++n)
        m_owners.emplace(m_nat[n].outside, Owner{n, true});
}

const std::string* DeploymentMap::BoxOf(const IpAddress& address) const {
    auto it = m_owners.find(address);
    if (it == m_owners.end())
        return nullptr;
    return it->second.nat ? &m_nat[it->second.index].firewall : &m_boxes[it->second.index].name;
}

const NatMapping* DeploymentMap::NatByOutside(const IpAddress& outside) const {
    for (const NatMapping& n : m_nat)
        if (n.outside == outside)
            return &n;
    return nullptr;
}

} // namespace cmslab::ladder
