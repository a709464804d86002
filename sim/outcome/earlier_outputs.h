// A results folder is written again by every run into it (`--out`, or results/<name>),
// so what an earlier run left must go first: a crowd's guests.jsonl beside a single
// guest's summary, another scenario's segment captures (which the diagnosis would read),
// or a Chromium run's screenshots in a modelled run's report would describe a run that
// did not happen.
#pragma once

#include "common/expected.h"

#include <string>

namespace cmslab::outcome {

// Removes from `out_dir` what a run writes there: its files (summary.json, guests.jsonl,
// report.html, ...) and, in its folders (pcap/, logs/, status/, api/, screens/, ca/), the
// files of the kinds it writes there, and Chromium's profile. Anything else (a user's own
// notes, a folder the lab does not write) stays. A folder that does not exist is fine.
// Returns how many files and folders went, or the first that could not be removed.
Expected<std::size_t> RemoveEarlierRunOutputs(const std::string& out_dir);

} // namespace cmslab::outcome
