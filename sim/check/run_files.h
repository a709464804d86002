// The parts of a run's results folder that expectations and diffs read: summary.json,
// logs/<node>.log and status/<node>.json. A missing or unreadable file is "absent", not
// an error: the comparison says what it lacked.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cmslab::check {

// summary.json as an object; nullopt when missing, unreadable or not a JSON object.
std::optional<nlohmann::json> ReadSummary(const std::string& dir);

// logs/<node>.log split into lines (no line ends); nullopt when missing.
std::optional<std::vector<std::string>> ReadLog(const std::string& dir, const std::string& node);

// status/<node>.json; nullopt when missing or not JSON.
std::optional<nlohmann::json> ReadStatus(const std::string& dir, const std::string& node);

// Names of the files of a folder with the given extension, without it, sorted:
// NodeFiles(dir + "/logs", ".log") -> {"cms", "vcsc", ...}; names with '@' (the status
// pages taken at a moment of the run, <node>@<second>.json) are not nodes.
std::vector<std::string> NodeFiles(const std::string& folder, const std::string& extension);

// The stage names of `stages` (summary.json's object) in the order a guest meets them
// (dns, tcp, ... media), then any the lab does not know, in the order given.
std::vector<std::string> StageOrder(const nlohmann::json& stages);

} // namespace cmslab::check
