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
// The TURN page's licence and quota rows (Status > TURN relay usage): the relay capacity
// and per-user quota set, the most relays held at once, and the refusals each caused.
nlohmann::json TurnLimitsJson(const turn::ServerConfig& config, const turn::ServerCounters& c);

} // namespace cmslab::expressway
