// What a run leaves for a person in its results folder, besides the captures and logs the
// world writes as it runs: status/<node>.json (each box's status page) and summary.json.
#pragma once

#include "common/expected.h"
#include "world.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cmslab::network {

// "2017-05-20T10:00:00Z".
std::string IsoUtc(std::int64_t unix_seconds);

// The summary of a run that has ended: the scenario, seed, clock, simulated duration,
// the files written, the NAT/firewall counters, and which boxes ran a device model and
// which roles are not simulated yet.
nlohmann::json Summary(const World& world, const std::string& out_dir);

// Writes every node's status page as it is now: status/<node>.json, or with a `moment`
// (the simulated second, as "13.2") status/<node>@<moment>.json. Returns the files
// written, relative to `out_dir`.
Expected<std::vector<std::string>> WriteStatusPages(const World& world, const std::string& out_dir,
                                                    const std::string& moment = "");

// Writes status/<node>.json for every node with a status page, then summary.json.
// Returns the summary, or what could not be written.
Expected<nlohmann::json> WriteResults(const World& world, const std::string& out_dir);

} // namespace cmslab::network
