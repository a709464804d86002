// What changes between two runs' results folders: the stages of the join (status and
// detail), the guest's screen, the log lines each node gains or loses, and the status
// page values (as flattened JSON pointers). Text goes through NormaliseText first, so
// time stamps, random identifiers and ephemeral ports do not show as changes.
#pragma once

#include <string>
#include <vector>

namespace cmslab::check {

struct StageChange {
    std::string stage;
    std::string status_a, status_b; // "" when the summary lacks the stage
    std::string detail_a, detail_b; // as written (not normalised)
};

struct LogChange {
    std::string node;
    std::vector<std::string> removed;          // normalised lines only A has (one per extra copy)
    std::vector<std::string> added;            // normalised lines only B has
    bool missing_a = false, missing_b = false; // the log was not written at all
};

struct StatusChange {
    std::string node;
    std::string pointer;
    std::string value_a, value_b; // JSON text, normalised; "" when absent on that side
};

struct ResultsDiff {
    std::vector<std::string> problems; // unusable folders (no summary.json)
    std::vector<StageChange> stages;
    std::string screen_a, screen_b; // set when they differ
    std::vector<LogChange> logs;
    std::vector<StatusChange> status;

    bool Empty() const {
        return problems.empty() && stages.empty() && screen_a == screen_b && logs.empty() &&
               status.empty();
    }
    // For a terminal, "A" and "B" named by the labels: sections stages, guest view,
    // logs/<node>.log, status/<node>.json; "no difference" when Empty().
    std::string Text(const std::string& label_a, const std::string& label_b) const;
};

ResultsDiff DiffResults(const std::string& dir_a, const std::string& dir_b);

} // namespace cmslab::check
