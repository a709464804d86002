// One emulation of a scenario: the same simulated deployment as `cmslab run`, on ns-3's
// real-time scheduler, with some nodes attached to real hosts instead of models. Each
// attached node becomes a network namespace cmslab-<node> whose TAP devices sit on the
// node's simulated segments; the programs run there (dig, curl, openssl, a browser)
// talk to the simulated boxes in real time. The run ends on SIGINT, SIGTERM, SIGHUP or
// after `duration_s`, removes its namespaces on every path out, and writes the results
// folder as a run does, plus ca/<name>.pem and the real-time lag in summary.json. The
// diagnosis is written only when the scenario's guest is the lab's model: a real guest's
// join is not recorded by the lab as a stage-by-stage outcome.
#pragma once

#include "common/expected.h"
#include "emulate/realtime_watch.h"
#include "guest_outcome/outcome.h"
#include "scenario/scenario.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::emulate {

struct EmulateOptions {
    std::string out_dir;
    std::vector<std::string> attach;  // node names
    std::optional<double> duration_s; // of wall-clock time; none: until a signal
    std::optional<std::uint64_t> seed;
    // Wait at most this long for the deployment to be ready before saying it is not.
    double ready_timeout_s = 30;
    // A real program standing in for the scenario's guest (`cmslab run --guest
    // chromium`); the guest's node must be attached. It is called on a thread of its own
    // when the modelled browser would start (1 s into the run), with the node's
    // namespace and the seconds since the run began; the emulation ends when it returns,
    // and what it returns is the run's outcome (summary.json's stages and screen).
    using RealGuest = std::function<Expected<outcome::Outcome>(
        const std::string& netns, const std::function<double()>& elapsed_s)>;
    RealGuest real_guest;
};

struct EmulateReport {
    std::string out_dir;
    std::uint64_t seed = 0;
    double simulated_s = 0;
    std::string ended_by; // "SIGINT", "SIGTERM", "SIGHUP" or "duration"
    LagReport lag;
    // Whether the scenario's guest was the lab's model (its node not attached) or a real
    // guest the lab drove (real_guest): only then is there a join to diagnose.
    bool guest_modelled = false;
    nlohmann::json summary;
    std::string report_html; // its path, written when there is a join to diagnose
};

// Lines for a person go to `out` as they happen: how to run a program in each
// namespace, then when the deployment is ready. Errors: not root, no /dev/net/tun, a
// node that cannot be attached, a namespace that cannot be made, results that cannot be
// written. Whatever was made is removed before it returns.
Expected<EmulateReport> EmulateScenario(const scenario::Scenario& scenario,
                                        const EmulateOptions& options, std::ostream& out);

} // namespace cmslab::emulate
