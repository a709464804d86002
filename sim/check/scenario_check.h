// One scenario file checked end to end: loaded (in this process: no ns-3), run in a child
// process into its own folder, and its expect block compared with what the run wrote.
// The run itself is handed in (RunBody), so this library needs no ns-3 and its tests can
// stand in for a run.
#pragma once

#include "check/child_run.h"
#include "check/compare.h"
#include "check/junit.h"
#include "scenario/scenario.h"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace cmslab::check {

// Runs `scenario` into `out_dir`, in the child; returns 0 when the run completed (a failed
// join is an outcome, not an error), anything else when it could not run.
using RunBody = std::function<int(const scenario::Scenario& scenario, const std::string& out_dir)>;

struct ScenarioRun {
    ChildResult child;
    std::string out_dir;
    std::string log_path; // what the child printed: <out_dir>/run.log

    bool Completed() const { return child.Succeeded(); }
    // Why the run is unusable, with the end of its log ("" when it completed).
    std::string Problem() const;
};

// Removes what an earlier run left in `out_dir` (summary.json, logs/, status/, pcap/,
// sslkeys.log, topology.dot, run.log; nothing else), then runs `body` in a child.
ScenarioRun RunInOwnProcess(const scenario::Scenario& scenario, const std::string& out_dir,
                            std::chrono::milliseconds timeout, const RunBody& body);

struct CheckOptions {
    std::string out_root = "results/check"; // each scenario runs into <out_root>/<name>
    std::chrono::milliseconds timeout = std::chrono::seconds(300);
    // A scenario without expectations: unusable when named on the command line,
    // skipped when it was only found in the scenarios folder.
    bool named = true;
    // Folders given to earlier scenarios of the same command: two files with one scenario
    // name run into <name>, <name>-2, ... instead of overwriting each other. May be null.
    std::set<std::string>* used_out_dirs = nullptr;
};

struct CheckResult {
    enum class Verdict { AsExpected, Differs, Unusable, Skipped };
    Verdict verdict = Verdict::Unusable;
    std::string file;
    std::string name;    // the scenario's name ("" when it did not load)
    std::string out_dir; // "" when nothing ran
    double seconds = 0;  // the run's wall-clock time
    std::string problem; // Unusable / Skipped: why (the loader's report, the child's end)
    std::vector<Difference> differences;
    std::string diagnosis; // summary.json's diagnosis as text ("" when none)

    // "reference  DIFFERS  0.7 s" and, for a difference, its lines indented.
    std::string Line() const;
    std::string Details(const std::string& indent = "    ") const;
    JunitCase Junit() const;
};

CheckResult CheckScenarioFile(const std::string& path, const CheckOptions& options,
                              const RunBody& body);

} // namespace cmslab::check
