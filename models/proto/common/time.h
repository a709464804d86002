// Time as the sans-I/O machines see it: handed in by their driver (ns-3's clock in the
// lab, the wall clock in interop tests), never read from the system.
#pragma once

#include <chrono>

namespace cmslab {

using Duration = std::chrono::nanoseconds;
// Time since the start of the run.
using Instant = std::chrono::nanoseconds;

} // namespace cmslab
