// report.html: one self-contained page of a run for a projector (inline CSS and SVG, no
// script, nothing fetched): the deployment as a picture with its NAT and the firewall's
// open ports, the guest's screens in order, the stages as a timeline, the ladder with
// its red arrows and links to capture and frame, the diagnosis with its fix and its
// evidence linked to the ladder's arrows and the boxes' log lines, and the logs with
// the cited lines highlighted. Built from the results folder alone, after the run.
#pragma once

#include "common/expected.h"

#include <string>

namespace cmslab::report {

// The page's HTML for the folder. Errors: the folder cannot be read (no summary.json or
// topology.dot); an unreadable capture only leaves the ladder shorter, with a note.
Expected<std::string> RenderReport(const std::string& results_dir);
// Writes <results_dir>/report.html; returns its path.
Expected<std::string> WriteReport(const std::string& results_dir);

} // namespace cmslab::report
