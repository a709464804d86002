// The HTTP arrows of the ladder, read from the rows the boxes' logs record: the request
// as Expressway-E's web proxy took it (method, path, Host, from whom) or refused it, the
// guest's browser's other requests and the answers it got. Each arrow names its log
// line instead of a frame: the bytes themselves are encrypted in the captures.
#pragma once

#include "ladder/deployment_map.h"
#include "ladder/ladder.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cmslab::diagnosis {
class ResultsFolder;
}

namespace cmslab::ladder {

// summary.json's start_time ("2017-05-20T10:00:00Z") as seconds since 1970; 0 without one.
double StartEpoch(const nlohmann::json& summary);
// A box log line's timestamp ("2017-05-20 10:00:01.107 ...") as seconds since 1970.
std::optional<double> LogLineEpoch(const std::string& line);

std::vector<Arrow> HttpRowsFromLogs(const diagnosis::ResultsFolder& folder,
                                    const DeploymentMap& map, double start_epoch);

} // namespace cmslab::ladder
