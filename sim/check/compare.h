// A scenario's expect block against the folder its run wrote: every way the run differs
// from what the block states, in words a person reads at a terminal or in a CI report.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cmslab::check {

struct Difference {
    std::string subject; // what was compared: "stage ice", "guest view", "log cms", "status cms
                         // /cms/faults/0"
    std::string text;    // the whole sentence: "stage ice: expected ok, got failed (detail)"
};

// `expect` is the block as the loader keeps it (the schema already checked its shape;
// entries that do not have it are reported as differences rather than skipped).
// `results_dir` holds summary.json, logs/, status/. An empty result means as expected.
std::vector<Difference> CompareWithExpect(const nlohmann::json& expect,
                                          const std::string& results_dir);

// True when the block states nothing that can be compared (absent, {}, or only empty
// lists): such a scenario cannot be checked.
bool ExpectsNothing(const nlohmann::json& expect);

} // namespace cmslab::check
