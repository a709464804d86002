// Expressway-C's Meeting Server web proxy cache: the words it reports and when it resolves.
#include "tunnel_status.h"
#include "web_proxy_cache.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::expressway;
using namespace std::chrono_literals;

namespace {

dns::LookupResult Found(const std::string& name, std::vector<std::string> addresses) {
    dns::LookupResult r;
    r.name = name;
    r.status = dns::ResolveStatus::Ok;
    for (const std::string& a : addresses)
        r.addresses.push_back(*IpAddress::Parse(a));
    return r;
}

dns::LookupResult Failed(const std::string& name, dns::ResolveStatus status) {
    dns::LookupResult r;
    r.name = name;
    r.status = status;
    r.rcode = status == dns::ResolveStatus::NxDomain ? dns::Rcode::NxDomain : dns::Rcode::NoError;
    return r;
}

Instant S(std::int64_t s) {
    return std::chrono::seconds(s);
}

} // namespace

TEST(WebProxyCache, FirstResolutionInsertsTheAddressInExpresswaysWords) {
    WebProxyCache cache({"cmsweb.octavio.com"}, 3600s);
    EXPECT_EQ(cache.Start(S(0)), std::vector<std::string>{"cmsweb.octavio.com"});
    const std::string line =
        cache.HandleResult(Found("cmsweb.octavio.com", {"172.16.85.180"}), S(0));
    EXPECT_EQ(line, "Success: address cmsweb.octavio.com resolved successfully. The local cache "
                    "has the following changes: Inserted: 172.16.85.180");
    ASSERT_TRUE(cache.AddressOf("cmsweb.octavio.com"));
    EXPECT_EQ(cache.AddressOf("cmsweb.octavio.com")->ToString(), "172.16.85.180");
    EXPECT_TRUE(cache.Find("https://cmsweb.octavio.com")->resolved);
}

TEST(WebProxyCache, RefreshesEveryIntervalOnSimulatedTime) {
    WebProxyCache cache({"https://cmsweb.octavio.com"}, 3600s);
    cache.Start(S(5));
    ASSERT_TRUE(cache.NextTimeout());
    EXPECT_EQ(*cache.NextTimeout(), S(3605));
    cache.HandleResult(Found("cmsweb.octavio.com", {"172.16.85.180"}), S(5));
    EXPECT_TRUE(cache.HandleTimeout(S(3604)).empty()) << "not due yet";
    EXPECT_EQ(cache.HandleTimeout(S(3605)), std::vector<std::string>{"cmsweb.octavio.com"});
    EXPECT_EQ(*cache.NextTimeout(), S(7205));
    // Same answer: nothing changes.
    EXPECT_EQ(cache.HandleResult(Found("cmsweb.octavio.com", {"172.16.85.180"}), S(3605)),
              "Success: address cmsweb.octavio.com resolved successfully. The local cache has "
              "no changes");
    // The record moved: one inserted, one removed.
    cache.HandleTimeout(S(7205));
    EXPECT_EQ(cache.HandleResult(Found("cmsweb.octavio.com", {"172.16.85.181"}), S(7205)),
              "Success: address cmsweb.octavio.com resolved successfully. The local cache has "
              "the following changes: Inserted: 172.16.85.181 Removed: 172.16.85.180");
    EXPECT_EQ(cache.Find("cmsweb.octavio.com")->lookups, 3);
}

TEST(WebProxyCache, ALookupStillRunningIsNotStartedTwice) {
    WebProxyCache cache({"cmsweb.octavio.com"}, 10s);
    cache.Start(S(0));
    EXPECT_TRUE(cache.HandleTimeout(S(10)).empty());
    cache.HandleResult(Found("cmsweb.octavio.com", {"172.16.85.180"}), S(11));
    EXPECT_EQ(cache.HandleTimeout(S(20)).size(), 1u);
}

TEST(WebProxyCache, FailuresAreReportedAndTheOldCacheKept) {
    WebProxyCache cache({"cmsweb.octavio.com", "nobody.octavio.com"}, 60s);
    cache.Start(S(0));
    EXPECT_EQ(cache.HandleResult(Failed("nobody.octavio.com", dns::ResolveStatus::NxDomain), S(1)),
              "Failed: address nobody.octavio.com could not be resolved: the name does not exist "
              "(NXDOMAIN). The local cache has no changes");
    cache.HandleResult(Found("cmsweb.octavio.com", {"172.16.85.180"}), S(1));
    cache.HandleTimeout(S(60));
    const std::string line =
        cache.HandleResult(Failed("cmsweb.octavio.com", dns::ResolveStatus::Timeout), S(64));
    EXPECT_EQ(line, "Failed: address cmsweb.octavio.com could not be resolved: no response from "
                    "the DNS servers (timeout). The local cache has no changes");
    EXPECT_FALSE(cache.Find("cmsweb.octavio.com")->resolved);
    EXPECT_TRUE(cache.AddressOf("cmsweb.octavio.com")) << "the proxy keeps the last address";
    EXPECT_TRUE(cache.HandleResult(Found("other.example", {"1.2.3.4"}), S(65)).empty());
}

TEST(TunnelStatus, RowsPerDomainAndWebBridge) {
    WebProxyCache cache({"cmsweb.octavio.com"}, 3600s);
    cache.Start(S(0));
    TunnelState state;
    state.domains = {"octavio.local", "octavio.com"};
    state.target = "vcse.octavio.com";
    state.tunnel_active = true;
    auto rows = TunnelRows(state, &cache);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[2].domain, "cmsweb.octavio.com");
    EXPECT_FALSE(rows[2].active) << "not resolved yet";
    cache.HandleResult(Found("cmsweb.octavio.com", {"172.16.85.180"}), S(1));
    rows = TunnelRows(state, &cache);
    for (const TunnelRow& r : rows) {
        EXPECT_TRUE(r.active) << r.domain << ": " << r.reason;
        EXPECT_EQ(r.target, "vcse.octavio.com");
    }
    EXPECT_EQ(ToJson(rows[0]).dump(),
              R"({"domain":"octavio.local","status":"Active","target":"vcse.octavio.com"})");

    state.probe_failures["cmsweb.octavio.com"] = "web bridge probe failed (connect failure)";
    rows = TunnelRows(state, &cache);
    EXPECT_FALSE(rows[2].active);
    EXPECT_EQ(rows[2].reason, "web bridge probe failed (connect failure)");

    state.tunnel_active = false;
    state.tunnel_reason = "connection refused";
    rows = TunnelRows(state, &cache);
    for (const TunnelRow& r : rows) {
        EXPECT_FALSE(r.active);
        EXPECT_EQ(r.StatusText(), "Failed");
    }
    EXPECT_EQ(rows[0].reason, "connection refused");
}

TEST(TunnelStatus, RowsKeepTheConfiguredOrder) {
    // Not sorted: the SIP domains as configured, then the web bridge URLs as configured;
    // a URL that is also a domain keeps the domain's row.
    WebProxyCache cache({"web-b.example.org", "zeta.example.org", "web-a.example.org"}, 3600s);
    cache.Start(S(0));
    TunnelState state;
    state.domains = {"zeta.example.org", "alpha.example.org", "mid.example.org"};
    state.target = "edge.example.org";
    state.tunnel_active = true;
    std::vector<std::string> order;
    for (const TunnelRow& r : TunnelRows(state, &cache))
        order.push_back(r.domain);
    EXPECT_EQ(order,
              (std::vector<std::string>{"zeta.example.org", "alpha.example.org", "mid.example.org",
                                        "web-b.example.org", "web-a.example.org"}));
}
