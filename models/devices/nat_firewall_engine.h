// The NAT/firewall's decisions on raw IPv4 datagrams, free of any simulator: static 1:1
// address translation (inbound destination, outbound source, hairpin), an ordered
// allow-list, flow tracking so that the return traffic of an admitted flow passes, and
// the counters and log lines a person reads on the box.
//
// The caller (the ns-3 routing adapter) says which path a datagram takes: it knows the
// interfaces and the routes, the engine knows the mappings and the rules.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "ipv4_datagram.h"
#include "nat_firewall_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace cmslab::devices {

enum class NatPath {
    Inbound,  // arrived on the outside interface
    Outbound, // from inside, leaving through the outside interface
    Hairpin,  // from inside, addressed to a mapped outside address
};

struct NatVerdict {
    bool forward = false;
    std::string log; // a line for the box's log ("firewall" component); empty: none
};

struct NatCounters {
    std::uint64_t translated_inbound = 0;  // destination rewritten outside -> inside
    std::uint64_t translated_outbound = 0; // source rewritten inside -> outside
    std::uint64_t reflected = 0;           // hairpin datagrams translated
    std::uint64_t accepted_inbound = 0;
    std::uint64_t accepted_outbound = 0;
    std::uint64_t dropped_inbound = 0;
    std::uint64_t dropped_outbound = 0;
    std::uint64_t dropped_flows = 0; // distinct flows dropped (one log line each)
    std::uint64_t malformed = 0;     // not IPv4, truncated transport header, orphan fragment
};

class NatFirewallEngine {
  public:
    explicit NatFirewallEngine(NatFirewallConfig config);

    const NatFirewallConfig& Config() const { return m_config; }
    bool IsMappedOutside(const IpAddress& address) const;

    // Decides on one datagram and, when it is forwarded, rewrites it in place.
    NatVerdict Process(Bytes& datagram, NatPath path);

    const NatCounters& Counters() const { return m_counters; }
    // Flows each rule admitted, in rule order.
    const std::vector<std::uint64_t>& RuleHits() const { return m_rule_hits; }
    std::size_t TrackedFlows() const { return m_flows.size(); }

    // The status page: configuration, counters and per-rule hits.
    nlohmann::json Status() const;

  private:
    // A flow as seen on the outside wire, oriented inbound: remote -> local.
    using FlowKey =
        std::tuple<std::uint8_t, std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>;
    using FragmentKey = std::tuple<std::uint32_t, std::uint32_t, std::uint16_t, std::uint8_t>;
    struct FragmentPlan {
        bool forward = false;
        std::uint32_t source = 0; // addresses to write into the later fragments
        std::uint32_t destination = 0;
    };

    NatVerdict ProcessInbound(Bytes& bytes, Ipv4Datagram& d);
    NatVerdict ProcessOutbound(Bytes& bytes, Ipv4Datagram& d);
    NatVerdict ProcessHairpin(Bytes& bytes, Ipv4Datagram& d);
    NatVerdict ProcessLaterFragment(Bytes& bytes, Ipv4Datagram& d, NatPath path);
    void RememberFragments(const FragmentKey& key, bool forward, const Ipv4Datagram& d);
    // The first rule that admits this new flow, or -1.
    int MatchRule(FlowDirection direction, std::uint8_t protocol, std::uint32_t destination,
                  bool has_ports, std::uint16_t port) const;
    bool IsRelated(const Ipv4Datagram& d, bool inbound) const;
    NatVerdict Drop(const FlowKey& key, const std::string& line);
    bool Tracked(const FlowKey& key) const;
    void Track(const FlowKey& key);

    const std::uint32_t* InsideFor(std::uint32_t outside) const;
    const std::uint32_t* OutsideFor(std::uint32_t inside) const;

    NatFirewallConfig m_config;
    std::map<std::uint32_t, std::uint32_t> m_outside_to_inside;
    std::map<std::uint32_t, std::uint32_t> m_inside_to_outside;
    NatCounters m_counters;
    std::vector<std::uint64_t> m_rule_hits;
    std::set<FlowKey> m_flows;
    std::set<FlowKey> m_logged_drops;
    std::map<FragmentKey, FragmentPlan> m_fragments;
};

} // namespace cmslab::devices
