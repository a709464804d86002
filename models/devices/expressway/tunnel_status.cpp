#include "tunnel_status.h"

namespace cmslab::expressway {

std::vector<TunnelRow> TunnelRows(const TunnelState& state, const WebProxyCache* cache) {
    std::vector<TunnelRow> rows;
    auto add = [&](const std::string& domain) {
        for (const TunnelRow& r : rows)
            if (r.domain == domain)
                return static_cast<TunnelRow*>(nullptr);
        TunnelRow row;
        row.domain = domain;
        row.target = state.target;
        row.active = state.tunnel_active;
        row.reason = state.tunnel_active ? "" : state.tunnel_reason;
        rows.push_back(row);
        return &rows.back();
    };
    for (const std::string& d : state.domains)
        add(d);
    if (!cache)
        return rows;
    for (const CacheEntry& e : cache->Entries()) {
        TunnelRow* row = add(e.name);
        if (!row || !row->active)
            continue;
        if (!e.resolved) {
            row->active = false;
            row->reason = e.pending && e.lookups == 0 ? "Address not resolved yet" : e.result;
            continue;
        }
        auto probe = state.probe_failures.find(e.name);
        if (probe != state.probe_failures.end()) {
            row->active = false;
            row->reason = probe->second;
        }
    }
    return rows;
}

nlohmann::json ToJson(const TunnelRow& row) {
    nlohmann::json j{{"domain", row.domain}, {"target", row.target}, {"status", row.StatusText()}};
    if (!row.active)
        j["reason"] = row.reason;
    return j;
}

} // namespace cmslab::expressway
