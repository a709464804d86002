#include "nat_config.h"

namespace cmslab::network {

namespace {

devices::RuleProtocol ToRuleProtocol(scenario::Protocol p) {
    switch (p) {
    case scenario::Protocol::Tcp:
        return devices::RuleProtocol::Tcp;
    case scenario::Protocol::Udp:
        return devices::RuleProtocol::Udp;
    case scenario::Protocol::Icmp:
        return devices::RuleProtocol::Icmp;
    case scenario::Protocol::Any:
        return devices::RuleProtocol::Any;
    }
    return devices::RuleProtocol::Any;
}

} // namespace

devices::NatFirewallConfig ToDeviceConfig(const scenario::NatFirewall& nat) {
    devices::NatFirewallConfig config;
    for (const scenario::NatMapping& m : nat.mappings)
        config.mappings.push_back({m.inside, m.outside});
    for (const scenario::FirewallRule& r : nat.rules) {
        devices::FirewallRule rule;
        rule.direction = r.direction == scenario::Direction::Inbound
                             ? devices::FlowDirection::Inbound
                             : devices::FlowDirection::Outbound;
        rule.protocol = ToRuleProtocol(r.protocol);
        rule.destination = r.destination;
        rule.port_low = r.port_low;
        rule.port_high = r.port_high;
        rule.comment = r.comment;
        config.rules.push_back(std::move(rule));
    }
    config.allow_inbound_default = nat.allow_inbound_default;
    config.allow_outbound_default = nat.allow_outbound_default;
    config.reflection = nat.reflection;
    config.stateful = nat.stateful;
    return config;
}

} // namespace cmslab::network
