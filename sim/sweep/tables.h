// The sweep's tables from its rows: sweep.json (everything), sweep.csv (one line per
// variant) and sweep.html (the same for a browser, with the diagnosis' accuracy, the
// "changes nothing" list and the diagnosis gaps). The same rows give the same bytes,
// whoever ran the variants: nothing of the runner (times, hosts) goes in.
#pragma once

#include "common/expected.h"
#include "sweep/result_row.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cmslab::sweep {

nlohmann::ordered_json SweepJson(const std::string& sweep_id, const std::vector<SweepRow>& rows);
std::string SweepCsv(const std::vector<SweepRow>& rows);
std::string SweepHtml(const nlohmann::ordered_json& sweep);

// Writes the three files into `dir`.
Expected<bool> WriteTables(const std::string& dir, const std::string& sweep_id,
                           const std::vector<SweepRow>& rows);

} // namespace cmslab::sweep
