// The scenario's nat_firewalls entry as the NAT/firewall device's own configuration.
#pragma once

#include "nat_firewall_config.h"
#include "scenario/scenario.h"

namespace cmslab::network {

devices::NatFirewallConfig ToDeviceConfig(const scenario::NatFirewall& nat);

} // namespace cmslab::network
