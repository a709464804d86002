#include "commands.h"

#include <iostream>

namespace cmslab::cli {

// Placeholder until the run command lands.
int Run(const Args&) {
    std::cerr << "cmslab run: not implemented yet\n";
    return 2;
}

} // namespace cmslab::cli
