#include "commands.h"

#include <iostream>

namespace cmslab::cli {

// Placeholder until the command lands: says so and exits as for unusable input.
int Diagnose(const Args&) {
    std::cerr << "cmslab diagnose: not available in this build yet\n";
    return 2;
}

} // namespace cmslab::cli
