#include "nat_firewall_engine.h"

#include "log_lines/firewall_lines.h"

#include <string>

namespace cmslab::devices {

namespace {

// Bounds the memory orphaned by first fragments whose last fragment never comes.
constexpr std::size_t kMaxFragmentPlans = 4096;

std::string AddressText(std::uint32_t a) {
    return IpAddress::V4(a).ToString();
}

std::string ProtocolName(std::uint8_t protocol) {
    switch (protocol) {
    case kIpProtoTcp:
        return "TCP";
    case kIpProtoUdp:
        return "UDP";
    case kIpProtoIcmp:
        return "ICMP";
    default:
        return "IP protocol " + std::to_string(protocol);
    }
}

std::string IcmpTypeName(std::uint8_t type) {
    switch (type) {
    case 0:
        return "echo reply";
    case 8:
        return "echo request";
    case 3:
        return "destination unreachable";
    case 11:
        return "time exceeded";
    case 12:
        return "parameter problem";
    default:
        return "type " + std::to_string(type);
    }
}

bool RuleProtocolMatches(RuleProtocol rule, std::uint8_t protocol) {
    switch (rule) {
    case RuleProtocol::Any:
        return true;
    case RuleProtocol::Tcp:
        return protocol == kIpProtoTcp;
    case RuleProtocol::Udp:
        return protocol == kIpProtoUdp;
    case RuleProtocol::Icmp:
        return protocol == kIpProtoIcmp;
    }
    return false;
}

const char* RuleProtocolName(RuleProtocol p) {
    switch (p) {
    case RuleProtocol::Any:
        return "any";
    case RuleProtocol::Tcp:
        return "tcp";
    case RuleProtocol::Udp:
        return "udp";
    case RuleProtocol::Icmp:
        return "icmp";
    }
    return "any";
}

std::string RuleName(const FirewallRule& rule, int index) {
    std::string s = "rule " + std::to_string(index + 1);
    if (!rule.comment.empty())
        s += " \"" + rule.comment + "\"";
    return s;
}

// The flow's fields of a firewall log line: "TCP", "192.0.2.10:49152", "198.51.100.7:445";
// ICMP names its type and has no ports ("ICMP echo request", "192.0.2.1", "192.0.2.2").
template <class Line> Line FlowLine(const Ipv4Datagram& d) {
    Line line;
    line.protocol = ProtocolName(d.protocol);
    if (d.is_icmp)
        line.protocol += " " + IcmpTypeName(d.icmp_type);
    const bool ports = d.has_ports && !d.is_icmp;
    line.source = AddressText(d.source);
    line.destination = AddressText(d.destination);
    if (ports) {
        line.source += ":" + std::to_string(d.source_port);
        line.destination += ":" + std::to_string(d.destination_port);
    }
    return line;
}

std::string DropLine(const Ipv4Datagram& d, log_lines::FirewallPath path) {
    auto line = FlowLine<log_lines::FirewallDropLine>(d);
    line.path = path;
    return log_lines::FirewallDrop::Format(line);
}

} // namespace

NatFirewallEngine::NatFirewallEngine(NatFirewallConfig config)
    : m_config(std::move(config)), m_rule_hits(m_config.rules.size(), 0) {
    for (const NatMapping& m : m_config.mappings) {
        if (!m.inside.IsV4() || !m.outside.IsV4())
            continue; // IPv6 is not modelled; the harness reports it
        m_outside_to_inside[m.outside.V4Value()] = m.inside.V4Value();
        m_inside_to_outside[m.inside.V4Value()] = m.outside.V4Value();
    }
}

bool NatFirewallEngine::IsMappedOutside(const IpAddress& address) const {
    return address.IsV4() && InsideFor(address.V4Value()) != nullptr;
}

const std::uint32_t* NatFirewallEngine::InsideFor(std::uint32_t outside) const {
    auto it = m_outside_to_inside.find(outside);
    return it == m_outside_to_inside.end() ? nullptr : &it->second;
}

const std::uint32_t* NatFirewallEngine::OutsideFor(std::uint32_t inside) const {
    auto it = m_inside_to_outside.find(inside);
    return it == m_inside_to_outside.end() ? nullptr : &it->second;
}

int NatFirewallEngine::MatchRule(FlowDirection direction, std::uint8_t protocol,
                                 std::uint32_t destination, bool has_ports,
                                 std::uint16_t port) const {
    const bool ported = protocol == kIpProtoTcp || protocol == kIpProtoUdp;
    for (std::size_t i = 0; i < m_config.rules.size(); ++i) {
        const FirewallRule& r = m_config.rules[i];
        if (r.direction != direction || !RuleProtocolMatches(r.protocol, protocol))
            continue;
        if (r.destination && (!r.destination->IsV4() || r.destination->V4Value() != destination))
            continue;
        const bool any_port = r.port_low == 0 && r.port_high == 65535;
        if (!any_port) {
            if (!ported || !has_ports || port < r.port_low || port > r.port_high)
                continue;
        }
        return static_cast<int>(i);
    }
    return -1;
}

bool NatFirewallEngine::IsRelated(const Ipv4Datagram& d, bool inbound) const {
    if (!d.IsIcmpError() || !d.has_quote)
        return false;
    const std::uint16_t sport = d.quote_has_ports ? d.quote_source_port : 0;
    const std::uint16_t dport = d.quote_has_ports ? d.quote_destination_port : 0;
    // The quote is a datagram that went the other way: an inbound error quotes an outbound
    // datagram (local -> remote) and the other way round.
    const FlowKey key =
        inbound ? FlowKey{d.quote_protocol, d.quote_destination, dport, d.quote_source, sport}
                : FlowKey{d.quote_protocol, d.quote_source, sport, d.quote_destination, dport};
    return m_config.stateful && m_flows.count(key) != 0;
}

bool NatFirewallEngine::Tracked(const FlowKey& key) const {
    return m_config.stateful && m_flows.count(key) != 0;
}

void NatFirewallEngine::Track(const FlowKey& key) {
    if (m_config.stateful)
        m_flows.insert(key);
}

NatVerdict NatFirewallEngine::Drop(const FlowKey& key, const std::string& line) {
    NatVerdict v;
    if (m_logged_drops.insert(key).second) {
        ++m_counters.dropped_flows;
        v.log = line;
    }
    return v;
}

NatVerdict NatFirewallEngine::Process(Bytes& datagram, NatPath path) {
    auto parsed = ParseIpv4(datagram);
    if (!parsed) {
        ++m_counters.malformed;
        return {};
    }
    Ipv4Datagram& d = *parsed;
    if (!d.IsFirstFragment())
        return ProcessLaterFragment(datagram, d, path);
    if (d.IsTruncatedTransport()) {
        ++m_counters.malformed;
        return {};
    }
    const FragmentKey fragment_key{d.source, d.destination, d.identification, d.protocol};
    NatVerdict v;
    switch (path) {
    case NatPath::Inbound:
        v = ProcessInbound(datagram, d);
        break;
    case NatPath::Outbound:
        v = ProcessOutbound(datagram, d);
        break;
    case NatPath::Hairpin:
        v = ProcessHairpin(datagram, d);
        break;
    }
    if (d.more_fragments)
        RememberFragments(fragment_key, v.forward, d);
    return v;
}

NatVerdict NatFirewallEngine::ProcessInbound(Bytes& bytes, Ipv4Datagram& d) {
    const std::uint16_t sport = d.has_ports ? d.source_port : 0;
    const std::uint16_t dport = d.has_ports ? d.destination_port : 0;
    const FlowKey key{d.protocol, d.source, sport, d.destination, dport};
    NatVerdict v;
    v.forward = Tracked(key) || IsRelated(d, true);
    if (!v.forward) {
        const int rule =
            MatchRule(FlowDirection::Inbound, d.protocol, d.destination, d.has_ports, dport);
        if (rule >= 0) {
            ++m_rule_hits[static_cast<std::size_t>(rule)];
            v.forward = true;
            auto line = FlowLine<log_lines::FirewallAcceptLine>(d);
            line.rule = RuleName(m_config.rules[static_cast<std::size_t>(rule)], rule);
            if (const std::uint32_t* inside = InsideFor(d.destination))
                line.inside = AddressText(*inside);
            v.log = log_lines::FirewallAccept::Format(line);
        } else if (m_config.allow_inbound_default) {
            v.forward = true;
        }
        if (v.forward && !d.IsIcmpError())
            Track(key);
    }
    if (!v.forward) {
        ++m_counters.dropped_inbound;
        return Drop(key, DropLine(d, log_lines::FirewallPath::Inbound));
    }
    ++m_counters.accepted_inbound;
    if (const std::uint32_t* inside = InsideFor(d.destination)) {
        RewriteAddress(bytes, d, AddressField::Destination, *inside);
        ++m_counters.translated_inbound;
    }
    if (d.has_quote) {
        if (const std::uint32_t* inside = InsideFor(d.quote_source))
            RewriteQuotedAddress(bytes, d, AddressField::Source, *inside);
    }
    return v;
}

NatVerdict NatFirewallEngine::ProcessOutbound(Bytes& bytes, Ipv4Datagram& d) {
    // Filter on the flow as it will look outside, after translation.
    if (const std::uint32_t* outside = OutsideFor(d.source)) {
        RewriteAddress(bytes, d, AddressField::Source, *outside);
        ++m_counters.translated_outbound;
    }
    if (d.has_quote) {
        if (const std::uint32_t* outside = OutsideFor(d.quote_destination))
            RewriteQuotedAddress(bytes, d, AddressField::Destination, *outside);
    }
    const std::uint16_t sport = d.has_ports ? d.source_port : 0;
    const std::uint16_t dport = d.has_ports ? d.destination_port : 0;
    const FlowKey key{d.protocol, d.destination, dport, d.source, sport};
    NatVerdict v;
    v.forward = Tracked(key) || IsRelated(d, false);
    if (!v.forward) {
        const int rule =
            MatchRule(FlowDirection::Outbound, d.protocol, d.destination, d.has_ports, dport);
        if (rule >= 0)
            ++m_rule_hits[static_cast<std::size_t>(rule)];
        v.forward = rule >= 0 || m_config.allow_outbound_default;
        if (v.forward && !d.IsIcmpError())
            Track(key);
    }
    if (!v.forward) {
        ++m_counters.dropped_outbound;
        return Drop(key, DropLine(d, log_lines::FirewallPath::Outbound));
    }
    ++m_counters.accepted_outbound;
    return v;
}

NatVerdict NatFirewallEngine::ProcessHairpin(Bytes& bytes, Ipv4Datagram& d) {
    const std::uint32_t* inside = InsideFor(d.destination);
    if (!m_config.reflection || inside == nullptr) {
        const FlowKey key{d.protocol, d.source, d.has_ports ? d.source_port : 0, d.destination,
                          d.has_ports ? d.destination_port : 0};
        return Drop(key, DropLine(d, log_lines::FirewallPath::Hairpin));
    }
    // A mapped source takes its outside address, so the reply comes back through here and
    // both ends see the public addresses; other inside sources keep theirs.
    const std::uint32_t target = *inside;
    if (const std::uint32_t* outside = OutsideFor(d.source))
        RewriteAddress(bytes, d, AddressField::Source, *outside);
    RewriteAddress(bytes, d, AddressField::Destination, target);
    ++m_counters.reflected;
    return {true, ""};
}

void NatFirewallEngine::RememberFragments(const FragmentKey& key, bool forward,
                                          const Ipv4Datagram& d) {
    if (m_fragments.size() >= kMaxFragmentPlans)
        m_fragments.clear();
    m_fragments[key] = FragmentPlan{forward, d.source, d.destination};
}

NatVerdict NatFirewallEngine::ProcessLaterFragment(Bytes& bytes, Ipv4Datagram& d, NatPath path) {
    const FragmentKey key{d.source, d.destination, d.identification, d.protocol};
    auto it = m_fragments.find(key);
    if (it == m_fragments.end()) {
        // Its first fragment was never seen (or was dropped): nothing to decide on.
        ++m_counters.malformed;
        return {};
    }
    const FragmentPlan plan = it->second;
    if (!d.more_fragments)
        m_fragments.erase(it);
    NatVerdict v;
    v.forward = plan.forward;
    if (!v.forward) {
        if (path == NatPath::Inbound)
            ++m_counters.dropped_inbound;
        else if (path == NatPath::Outbound)
            ++m_counters.dropped_outbound;
        return v;
    }
    RewriteAddress(bytes, d, AddressField::Source, plan.source);
    RewriteAddress(bytes, d, AddressField::Destination, plan.destination);
    return v;
}

nlohmann::json NatFirewallEngine::Status() const {
    using nlohmann::json;
    json mappings = json::array();
    for (const NatMapping& m : m_config.mappings)
        mappings.push_back({{"inside", m.inside.ToString()}, {"outside", m.outside.ToString()}});
    json rules = json::array();
    for (std::size_t i = 0; i < m_config.rules.size(); ++i) {
        const FirewallRule& r = m_config.rules[i];
        std::string ports = r.port_low == 0 && r.port_high == 65535 ? "any"
                            : r.port_low == r.port_high
                                ? std::to_string(r.port_low)
                                : std::to_string(r.port_low) + "-" + std::to_string(r.port_high);
        rules.push_back(
            {{"index", i + 1},
             {"direction", r.direction == FlowDirection::Inbound ? "inbound" : "outbound"},
             {"protocol", RuleProtocolName(r.protocol)},
             {"destination", r.destination ? r.destination->ToString() : "any"},
             {"ports", ports},
             {"comment", r.comment},
             {"hits", m_rule_hits[i]}});
    }
    const NatCounters& c = m_counters;
    return {
        {"nat",
         {{"mappings", mappings},
          {"reflection", m_config.reflection},
          {"translated_inbound", c.translated_inbound},
          {"translated_outbound", c.translated_outbound},
          {"reflected", c.reflected}}},
        {"firewall",
         {{"default_inbound", m_config.allow_inbound_default ? "allow" : "deny"},
          {"stateful", m_config.stateful},
          {"default_outbound", m_config.allow_outbound_default ? "allow" : "deny"},
          {"accepted_inbound", c.accepted_inbound},
          {"accepted_outbound", c.accepted_outbound},
          {"dropped_inbound", c.dropped_inbound},
          {"dropped_outbound", c.dropped_outbound},
          {"dropped_flows", c.dropped_flows},
          {"malformed", c.malformed},
          {"tracked_flows", m_flows.size()},
          {"rules", rules}}},
    };
}

} // namespace cmslab::devices
