#include "web_proxy_cache.h"

#include "host_policy.h"
#include "log_lines/expressway_c_lines.h"

#include <algorithm>

namespace cmslab::expressway {

namespace {

std::string Join(const std::vector<IpAddress>& addresses) {
    std::string s;
    for (std::size_t i = 0; i < addresses.size(); ++i)
        s += (i == 0 ? "" : ", ") + addresses[i].ToString();
    return s;
}

bool Contains(const std::vector<IpAddress>& v, const IpAddress& a) {
    return std::find(v.begin(), v.end(), a) != v.end();
}

} // namespace

std::string ReportSuccess(const std::string& name, const std::vector<IpAddress>& inserted,
                          const std::vector<IpAddress>& removed) {
    if (inserted.empty() && removed.empty())
        return log_lines::CacheResolved::Format({name, "The local cache has no changes"});
    std::string changes = "The local cache has the following changes:";
    if (!inserted.empty())
        changes += " Inserted: " + Join(inserted);
    if (!removed.empty())
        changes += " Removed: " + Join(removed);
    return log_lines::CacheResolved::Format({name, changes});
}

std::string ReportFailure(const std::string& name, const dns::LookupResult& result) {
    std::string why;
    switch (result.status) {
    case dns::ResolveStatus::NxDomain:
        why = "the name does not exist (NXDOMAIN)";
        break;
    case dns::ResolveStatus::NoData:
        why = "the name has no address records";
        break;
    case dns::ResolveStatus::Timeout:
        why = "no response from the DNS servers (timeout)";
        break;
    case dns::ResolveStatus::NoServer:
        why = "no DNS server is configured";
        break;
    default:
        why = dns::ToString(result.status);
        if (!result.error.empty())
            why += ": " + result.error;
        break;
    }
    return "Failed: address " + name + " could not be resolved: " + why +
           ". The local cache has no changes";
}

WebProxyCache::WebProxyCache(std::vector<std::string> uris, Duration refresh) : m_refresh(refresh) {
    for (std::string& u : uris) {
        CacheEntry e;
        e.name = ParseWebBridgeUrl(u).host;
        if (e.name.empty())
            e.name = u; // reported as unresolvable by the resolver
        e.uri = std::move(u);
        m_entries.push_back(std::move(e));
    }
}

std::vector<std::string> WebProxyCache::Start(Instant now) {
    std::vector<std::string> names;
    for (CacheEntry& e : m_entries) {
        e.pending = true;
        names.push_back(e.name);
    }
    m_next = now + m_refresh;
    return names;
}

std::vector<std::string> WebProxyCache::HandleTimeout(Instant now) {
    std::vector<std::string> names;
    if (!m_next || now < *m_next)
        return names;
    for (CacheEntry& e : m_entries) {
        if (e.pending)
            continue; // the previous lookup is still running
        e.pending = true;
        names.push_back(e.name);
    }
    m_next = *m_next + m_refresh;
    return names;
}

std::optional<Instant> WebProxyCache::NextTimeout() const {
    return m_next;
}

std::string WebProxyCache::HandleResult(const dns::LookupResult& result, Instant now) {
    const std::string name = ParseWebBridgeUrl(result.name).host;
    for (CacheEntry& e : m_entries) {
        if (!e.pending || (e.name != name && e.name != result.name))
            continue;
        e.pending = false;
        e.lookups += 1;
        e.last_lookup = now;
        if (result.status == dns::ResolveStatus::Ok && !result.addresses.empty()) {
            std::vector<IpAddress> inserted;
            std::vector<IpAddress> removed;
            for (const IpAddress& a : result.addresses)
                if (!Contains(e.addresses, a) && !Contains(inserted, a))
                    inserted.push_back(a);
            for (const IpAddress& a : e.addresses)
                if (!Contains(result.addresses, a))
                    removed.push_back(a);
            e.addresses.clear();
            for (const IpAddress& a : result.addresses)
                if (!Contains(e.addresses, a))
                    e.addresses.push_back(a);
            e.resolved = true;
            e.result = ReportSuccess(e.name, inserted, removed);
        } else {
            // A failed refresh keeps what the cache had: the proxy goes on with it.
            e.resolved = false;
            e.result = ReportFailure(e.name, result);
        }
        return e.result;
    }
    return {};
}

const CacheEntry* WebProxyCache::Find(const std::string& name) const {
    const std::string n = ParseWebBridgeUrl(name).host;
    for (const CacheEntry& e : m_entries)
        if (e.name == n || e.name == name)
            return &e;
    return nullptr;
}

std::optional<IpAddress> WebProxyCache::AddressOf(const std::string& name) const {
    const CacheEntry* e = Find(name);
    if (!e || e->addresses.empty())
        return std::nullopt;
    return e->addresses.front();
}

std::vector<std::string> WebProxyCache::Names() const {
    std::vector<std::string> names;
    for (const CacheEntry& e : m_entries)
        names.push_back(e.name);
    return names;
}

} // namespace cmslab::expressway
