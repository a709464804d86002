// Expressway-C's Status > Unified Communications > SSH tunnels status: one row per
// domain or web bridge URL the tunnel to Expressway-E serves, with the target
// (the traversal zone's peer) and Active or Failed with the reason.
#pragma once

#include "web_proxy_cache.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace cmslab::expressway {

struct TunnelRow {
    std::string domain; // a SIP domain or a web bridge URL
    std::string target; // Expressway-E, as the traversal zone names it
    bool active = false;
    std::string reason; // why Failed; empty when Active

    std::string StatusText() const { return active ? "Active" : "Failed"; }
};

struct TunnelState {
    std::vector<std::string> domains; // the box's SIP domains
    std::string target;
    bool tunnel_active = false; // the tunnel to the peer is up and was authenticated
    std::string tunnel_reason;  // why not
    // A web bridge probe that failed, by name (lower case): the reason.
    std::map<std::string, std::string> probe_failures;
};

// The rows: the SIP domains first, then each web bridge URL of the cache. A web bridge
// row fails when the tunnel is down, its name did not resolve, or its probe failed.
std::vector<TunnelRow> TunnelRows(const TunnelState& state, const WebProxyCache* cache);

nlohmann::json ToJson(const TunnelRow& row);

} // namespace cmslab::expressway
