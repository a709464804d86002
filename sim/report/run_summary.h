// What `cmslab run` prints when a run ends: each stage (ok / failed / not reached), the
// guest's screen, the media counts, the diagnosis' cause and fix in one line each, and
// where report.html is. Read from summary.json, so that it says what the folder says.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace cmslab::report {

std::string RunSummaryText(const nlohmann::json& summary, const std::string& report_path);

} // namespace cmslab::report
