// `cmslab sweep --merge DIR`: the tables from the manifest and the result folders alone,
// whoever ran the variants (the built-in runner, GNU parallel on many hosts, a Slurm
// array). A folder that holds a run of another file, or that the manifest does not list,
// stops the merge: it belongs to another sweep.
#pragma once

#include "common/expected.h"
#include "sweep/result_row.h"

#include <string>
#include <vector>

namespace cmslab::sweep {

struct MergeResult {
    std::string sweep_id;
    std::vector<SweepRow> rows;
};

Expected<MergeResult> Merge(const std::string& dir);

} // namespace cmslab::sweep
