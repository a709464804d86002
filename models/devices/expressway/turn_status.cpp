#include "turn_status.h"

namespace cmslab::expressway {

nlohmann::json TurnStatusJson(bool enabled, const std::string& realm,
                              const TurnListening& listening, const turn::ServerCounters& c,
                              const std::vector<turn::AllocationInfo>& allocations) {
    nlohmann::json j;
    j["services"] = enabled ? "On" : "Off";
    j["realm"] = realm;
    nlohmann::json udp = nlohmann::json::array();
    for (const Endpoint& e : listening.udp)
        udp.push_back(e.ToString());
    nlohmann::json tcp = nlohmann::json::array();
    for (const Endpoint& e : listening.tcp)
        tcp.push_back(e.ToString());
    j["listening"] = {{"udp", udp}, {"tcp", tcp}};
    j["active_clients"] = c.active_clients;
    j["active_relays"] = c.active_allocations;
    j["relays_udp"] = c.allocations_udp;
    j["relays_tcp"] = c.allocations_tcp;
    j["counters"] = {{"requests", c.requests},
                     {"allocations_created", c.allocations_created},
                     {"allocations_deleted", c.allocations_deleted},
                     {"allocations_expired", c.allocations_expired},
                     {"challenges_401", c.challenges},
                     {"stale_nonces_438", c.stale_nonces},
                     {"integrity_failures", c.integrity_failures},
                     {"quota_rejections_486", c.quota_rejections},
                     {"bad_requests_400", c.bad_requests},
                     {"relayed_to_peers", c.relayed_to_peers},
                     {"relayed_to_clients", c.relayed_to_clients}};
    nlohmann::json list = nlohmann::json::array();
    for (const turn::AllocationInfo& a : allocations)
        list.push_back({{"client", a.tuple.client.ToString()},
                        {"transport", turn::TransportName(a.tuple.transport)},
                        {"username", a.username},
                        {"relay", a.relay.ToString()},
                        {"advertised", a.advertised.ToString()}});
    j["relays"] = list;
    return j;
}

nlohmann::json TurnLimitsJson(const turn::ServerConfig& config, const turn::ServerCounters& c) {
    nlohmann::json j;
    if (config.relay_capacity)
        j["relay_capacity"] = config.relay_capacity;
    if (config.per_user_quota)
        j["per_user_quota"] = config.per_user_quota;
    j["peak_relays"] = c.peak_allocations;
    j["capacity_rejections_508"] = c.capacity_rejections;
    j["quota_rejections_486"] = c.quota_rejections;
    return j;
}

} // namespace cmslab::expressway
