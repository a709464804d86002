// What a static 1:1 NAT with a stateful allow-list firewall is told to do. The harness
// fills it from the scenario's nat_firewalls entry; the device knows nothing of files.
#pragma once

#include "common/address.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::devices {

enum class FlowDirection { Inbound, Outbound };
enum class RuleProtocol { Any, Tcp, Udp, Icmp };

// `outside` is an address the NAT owns on its outside network and stands for `inside`.
struct NatMapping {
    IpAddress inside;
    IpAddress outside;
};

// An allow rule. The firewall walks its rules in order; the first match admits a new
// flow. Ports only constrain TCP and UDP: a rule with a narrower range than 0-65535
// never matches another protocol.
struct FirewallRule {
    FlowDirection direction = FlowDirection::Inbound;
    RuleProtocol protocol = RuleProtocol::Any;
    std::optional<IpAddress> destination; // as addressed on the wire, before translation
    std::uint16_t port_low = 0;
    std::uint16_t port_high = 65535;
    std::string comment;
};

struct NatFirewallConfig {
    std::vector<NatMapping> mappings;
    std::vector<FirewallRule> rules;
    bool allow_inbound_default = false;
    bool allow_outbound_default = true;
    // Translate inside hosts' traffic addressed to a mapped outside address (hairpin).
    bool reflection = true;
    // Track flows, so that the replies of a flow a rule or a default admitted pass the
    // other way. Off: every datagram is judged by the rules alone, like a plain ACL.
    bool stateful = true;
};

} // namespace cmslab::devices
