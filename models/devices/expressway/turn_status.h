// Expressway-E's Status > TURN relay usage page as JSON: where the TURN server listens,
// active clients, relays by the clients' transport, and the counters since start.
#pragma once

#include "common/address.h"
#include "turn/server.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cmslab::expressway {

struct TurnListening {
    std::vector<Endpoint> udp;
    std::vector<Endpoint> tcp;
};

nlohmann::json TurnStatusJson(bool enabled, const std::string& realm,
                              const TurnListening& listening, const turn::ServerCounters& c,
                              const std::vector<turn::AllocationInfo>& allocations);

} // namespace cmslab::expressway
