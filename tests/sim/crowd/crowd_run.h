// Runs of the reference deployment with many guests (`cmslab run --guests N`, the
// scenario's guest.crowd), judged from what the run leaves: guests.jsonl, summary.json's
// `crowd` and diagnosis, the captures through tshark, the boxes' logs.
#pragma once

#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::crowdtest {

struct CrowdRun {
    std::shared_ptr<testkit::TempDir> dir;
    bool ok = false;
    std::string output;                 // the run's stdout and stderr
    nlohmann::json summary;             // summary.json; null when the run failed
    std::vector<nlohmann::json> guests; // guests.jsonl, one object per line
    double wall_s = 0;                  // how long the run took
    long peak_rss_kb = 0;               // /usr/bin/time's "Maximum resident set size"
    std::string out = "out";
    std::string Out(const std::string& rel) const; // <dir>/<out>/<rel>
};

// scenarios/reference.json named `name`, changed by `edit`, run with `args` (--guests N,
// --seed N) into <dir>/out (`out` names another folder of the same temp dir), under
// `timeout_s`.
// `reuse`: the temp dir of an earlier run, so that the scenario file has the same path (the
// summary names it).
CrowdRun RunCrowd(const std::string& name, const std::function<void(nlohmann::json&)>& edit,
                  const std::vector<std::string>& args, int timeout_s = 120,
                  const std::string& out = "out", std::shared_ptr<testkit::TempDir> in = nullptr);

// Sets the Expressway-E's TURN settings (`key` = `value`) in the reference.
void SetTurn(nlohmann::json& scenario, const std::string& key, const nlohmann::json& value);
// The crowd block: `guests` arriving `interval` s apart, each `stay` s of media.
void SetCrowd(nlohmann::json& scenario, int guests, double interval, double stay);

// Frames of `pcap` matching the display filter `filter`, counted by tshark.
std::size_t CountFrames(const std::string& pcap, const std::string& filter);

} // namespace cmslab::crowdtest
