// summary.json: the run's identity (scenario, seed), the outcome (stages, guest_view,
// media), then whatever else the run reports about itself (files, counters), in that
// order, so that a person reads the verdict first and two runs diff line by line.
#pragma once

#include "common/expected.h"
#include "outcome/outcome.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace cmslab::outcome {

struct RunIdentity {
    std::string scenario; // the scenario's name
    std::uint64_t seed = 0;
};

class SummaryWriter {
  public:
    SummaryWriter(RunIdentity run, Outcome outcome);

    // Keys of `extra` (an object) follow the outcome's, in their own order; a key the
    // summary already has ("scenario", "seed", "stages", "guest_view", "media") is
    // ignored, so the outcome cannot be overwritten by accident.
    void AddExtra(const nlohmann::json& extra);
    void AddExtra(const nlohmann::ordered_json& extra);

    nlohmann::ordered_json Json() const;
    // Two-space indented, with a final newline.
    std::string Text() const;
    // Writes Text() to `path` (through a temporary file, so a reader never sees half a
    // summary). Returns the path, or what failed.
    Expected<std::string> Write(const std::string& path) const;

  private:
    RunIdentity m_run;
    Outcome m_outcome;
    nlohmann::ordered_json m_extra = nlohmann::ordered_json::object();
};

} // namespace cmslab::outcome
