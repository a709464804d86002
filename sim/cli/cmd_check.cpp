#include "commands.h"

#include <iostream>

namespace cmslab::cli {

// Placeholder until the command lands: says so and exits as for unusable input.
int Check(const Args&) {
    std::cerr << "cmslab check: not available in this build yet\n";
    return 2;
}

} // namespace cmslab::cli
