#include "commands.h"

#include <iostream>

namespace cmslab::cli {

// Placeholder until the validate command lands.
int Validate(const Args&) {
    std::cerr << "cmslab validate: not implemented yet\n";
    return 2;
}

} // namespace cmslab::cli
