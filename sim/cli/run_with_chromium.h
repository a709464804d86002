// `cmslab run SCENARIO --guest chromium`: the run on the wall clock with the guest's node
// attached (as `cmslab emulate --attach`) and a real headless Chromium joining from it.
#pragma once

#include "scenario/scenario.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cmslab::cli {

// Prints what `cmslab run` prints; returns the exit status (2: the run could not be made).
int RunWithChromium(const scenario::Scenario& s, const std::string& path,
                    const std::string& out_dir, std::optional<std::uint64_t> seed, bool quiet);

} // namespace cmslab::cli
