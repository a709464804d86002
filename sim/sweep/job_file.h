// The sweep's runs as command lines for engines that spread them across machines: one line
// per variant, `cmslab run VARIANT --out DIR/<name>`, that GNU parallel runs as is
// (`parallel -j N -a FILE`, `parallel --sshloginfile hosts -a FILE` on hosts that share
// the paths), and a Slurm job-array script that runs line $SLURM_ARRAY_TASK_ID of the
// same file. The built-in runner runs the very same argument vectors.
#pragma once

#include "common/expected.h"
#include "sweep/manifest.h"

#include <string>
#include <vector>

namespace cmslab::sweep {

// The run of one entry: {cmslab, "run", file, "--out", DIR/<name>}.
std::vector<std::string> RunArgv(const std::string& cmslab, const SweepEntry& e,
                                 const std::string& dir);

// POSIX shell quoting: 'it'\''s'.
std::string ShellQuote(const std::string& word);

// Writes FILE (one quoted command line per entry) and FILE.sbatch (the job array).
Expected<bool> EmitJobs(const std::string& file, const std::string& cmslab, const Manifest& m,
                        const std::string& dir, unsigned timeout_s);

} // namespace cmslab::sweep
