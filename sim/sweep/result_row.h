// One line of the sweep's tables: a variant's change beside what its run shows, read from
// its result folder (summary.json: the stages, the guest's screen, the diagnosis).
#pragma once

#include "common/expected.h"
#include "sweep/manifest.h"

#include <nlohmann/json.hpp>

#include <string>

namespace cmslab::sweep {

struct SweepRow {
    std::string name, kind, setting, change, sha256;
    // "breaks" (a stage of the join is not ok), "breaks_nothing" (every stage ok), or
    // "no_result" (no readable summary.json: the run did not finish, crashed or timed out).
    std::string outcome;
    std::string first_failed_stage; // the first stage whose status is "failed"; "" if none
    std::string screen;             // summary.json guest_view.screen
    std::string verdict;            // diagnosis.verdict: healthy, fault, undetermined
    std::string cause;              // the root cause's identifier; "" when none
    std::string cause_setting;      // its fix: "<box>: <setting>"
    bool names_setting = false;     // cause_match.h
    std::string problem;            // no_result: why

    // The join failed and the diagnosis is undetermined or names another setting.
    bool DiagnosisGap() const { return outcome == "breaks" && !names_setting; }
    nlohmann::ordered_json Json() const;
};

// The row of `entry` from `folder` (DIR/<name>). Refused (an error) when the folder holds
// a run of another file than the entry's: summary.json source_sha256 differs.
Expected<SweepRow> ReadRow(const SweepEntry& entry, const std::string& folder);

} // namespace cmslab::sweep
