// The deployment as a picture for report.html, drawn by the lab itself (no Graphviz to
// install): a horizontal bar per network with its name, a box per node in the ladder's
// column order, a line from each box to each network it sits on labelled with the
// interface's address, and the static NAT mappings under the firewall.
#pragma once

#include "ladder/deployment_map.h"

#include <string>

namespace cmslab::report {

std::string TopologySvg(const ladder::DeploymentMap& map);

} // namespace cmslab::report
