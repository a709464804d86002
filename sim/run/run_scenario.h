// One simulated run of a scenario, start to finish: the ns-3 world, every box the
// scenario places (DNS servers, Expressway-E and -C, CMS, the guest's browser), the
// simulated time, and what a person looks at afterwards in the output folder
// (pcap/, logs/, status/, sslkeys.log, summary.json, topology.dot).
//
// ns-3 keeps global state (the simulator, node lists), so a process runs one scenario
// at a time; commands that run several (check, diff) give each its own process.
#pragma once

#include "common/expected.h"
#include "scenario/scenario.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace cmslab::run {

struct RunOptions {
    std::string out_dir; // created if missing; an earlier run's files there are overwritten
    std::optional<std::uint64_t> seed; // instead of the scenario's
};

struct RunReport {
    std::string out_dir;
    std::uint64_t seed = 0;
    double simulated_s = 0;
    std::int64_t epoch_unix_s = 0;
    nlohmann::json summary;  // what summary.json holds
    std::string report_html; // <out_dir>/report.html (sim/report)
};

// Errors: the scenario cannot be built (a node, address or certificate it names does not
// exist) or the results cannot be written. A join that fails is not an error: it is the
// run's outcome, in the summary.
Expected<RunReport> RunScenario(const scenario::Scenario& scenario, const RunOptions& options);

// What ends a run and an emulation alike, once the world has closed its captures: the
// diagnosis of the folder (written as `cmslab diagnose` writes it, and added to
// `summary` under "diagnosis"), then report.html, which reads the folder whole. Returns
// the page's path.
Expected<std::string> DiagnoseAndReport(const std::string& out_dir, nlohmann::json& summary);

// results/<scenario name as a file name>
std::string DefaultOutDir(const scenario::Scenario& scenario);

} // namespace cmslab::run
