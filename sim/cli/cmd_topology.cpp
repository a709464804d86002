#include "commands.h"

#include <iostream>

namespace cmslab::cli {

// Placeholder until the topology command lands.
int Topology(const Args&) {
    std::cerr << "cmslab topology: not implemented yet\n";
    return 2;
}

} // namespace cmslab::cli
