// `cmslab mutate` as a library call: derive the variants of one scenario file and write
// them to a folder, the valid ones as scenario files, the refused ones apart with the
// validator's reasons.
#pragma once

#include "mutate/variant.h"

#include <string>
#include <vector>

namespace cmslab::mutate {

struct MutateReport {
    std::vector<Variant> written; // DIR/<name>.json
    std::vector<Variant> refused; // DIR/refused/<name>.json and <name>.txt (the reasons)
    std::string problem;          // why nothing could be done ("" when it worked)
};

// Reads `source_path` (which must itself be a valid scenario) and writes its variants into
// `out_dir`, first removing the variants (files with a mutation block) and the refused/
// folder that an earlier mutate left there, so that a sweep of the folder sees only these.
MutateReport WriteVariants(const std::string& source_path, const std::string& out_dir);

} // namespace cmslab::mutate
