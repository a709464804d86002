// Expressway-C's Meeting Server web proxy (Configuration > Unified Communications > Cisco
// Meeting Server): each Guest account client URI is resolved through the box's DNS when
// the proxy starts and again every refresh interval; the addresses found go into a local
// cache, and each resolution is reported in the product's words ("Success: address ...
// resolved successfully. The local cache has the following changes: Inserted: ...").
//
// Sans-I/O: the owner asks which names to resolve (Start, HandleTimeout), hands each
// lookup's result back, and arms a timer for NextTimeout().
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "dns/stub_resolver.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::expressway {

struct CacheEntry {
    std::string uri;                  // as configured
    std::string name;                 // the host name resolved (lower case)
    std::vector<IpAddress> addresses; // the cache: what the last successful lookup gave
    bool resolved = false;            // the last lookup succeeded
    bool pending = false;             // a lookup is running
    int lookups = 0;                  // finished lookups
    std::optional<Instant> last_lookup;
    std::string result; // the last report, in Expressway's words
};

class WebProxyCache {
  public:
    // `uris`: the Guest account client URIs (names or https URLs).
    WebProxyCache(std::vector<std::string> uris, Duration refresh = std::chrono::seconds(3600));

    // The names to resolve now (every configured one). Call once.
    std::vector<std::string> Start(Instant now);
    // The names whose refresh is due at `now`.
    std::vector<std::string> HandleTimeout(Instant now);
    std::optional<Instant> NextTimeout() const;

    // A lookup finished; returns the report line (also kept in the entry). Results for
    // names not asked for are ignored (empty line).
    std::string HandleResult(const dns::LookupResult& result, Instant now);

    const std::vector<CacheEntry>& Entries() const { return m_entries; }
    const CacheEntry* Find(const std::string& name) const;
    // The first cached address of a name, if resolved.
    std::optional<IpAddress> AddressOf(const std::string& name) const;
    // The web bridge names the proxy serves (lower case), in configuration order.
    std::vector<std::string> Names() const;

  private:
    std::vector<CacheEntry> m_entries;
    Duration m_refresh;
    std::optional<Instant> m_next;
};

// The words of one resolution: exposed for tests and the status page.
std::string ReportSuccess(const std::string& name, const std::vector<IpAddress>& inserted,
                          const std::vector<IpAddress>& removed);
std::string ReportFailure(const std::string& name, const dns::LookupResult& result);

} // namespace cmslab::expressway
