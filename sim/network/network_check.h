// What the builder needs to hold true before it touches ns-3: every reference resolves
// and every address is IPv4 and on its segment. The scenario loader checks more and
// says it better; this keeps the builder safe for scenarios made in code.
#pragma once

#include "scenario/scenario.h"

#include <optional>
#include <string>

namespace cmslab::network {

// Nullopt when the network part is buildable, else what is wrong.
std::optional<std::string> CheckNetwork(const scenario::Scenario& scenario);

// Prefix membership, IPv4 only.
bool InPrefix(const scenario::Prefix& prefix, const IpAddress& address);
std::string PrefixText(const scenario::Prefix& prefix);

// A scenario name (node, network) as a file name: as written unless a character would
// escape the folder or upset a shell.
std::string FileNameFor(const std::string& name);

// The node's interface whose network holds `address`, or -1.
int InterfaceOnLinkWith(const scenario::Scenario& scenario, const scenario::Node& node,
                        const IpAddress& address);

} // namespace cmslab::network
