// Puts a real host on a simulated segment: the attached node's bare port on the segment
// and an ns-3 FdNetDevice reading and writing the host's TAP descriptor, bridged on the
// node (which has no IP stack). The TAP is then an ordinary station of the segment: ARP
// goes end to end, the segment's delay applies and its capture holds the host's frames.
#pragma once

#include "world.h"

#include <optional>
#include <string>

namespace cmslab::emulate {

// `tap_fd` belongs to the FdNetDevice from here on (it closes it when it stops).
// Returns what is wrong, or nullopt.
std::optional<std::string> BridgeTap(network::World& world, const std::string& node,
                                     const std::string& network, int tap_fd);

} // namespace cmslab::emulate
