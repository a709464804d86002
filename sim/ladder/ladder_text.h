// The ladder as text for a terminal: a header of box names, then one line per arrow in
// time order, drawn across fixed-width columns, with its label, where it was seen
// (capture#frame or log line) and, when the NAT translated it, each address pair.
#pragma once

#include "ladder/ladder.h"

#include <string>

namespace cmslab::ladder {

std::string ToText(const Ladder& ladder);

} // namespace cmslab::ladder
