#include "commands.h"

#include <iostream>

namespace cmslab::cli {

// Placeholder until the command lands: says so and exits as for unusable input.
int Diff(const Args&) {
    std::cerr << "cmslab diff: not available in this build yet\n";
    return 2;
}

} // namespace cmslab::cli
