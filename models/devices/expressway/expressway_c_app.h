// Expressway-C on ns-3: resolves the Meeting Server web proxy's Guest account client
// URIs through its DNS (at start and every refresh interval) and probes each web bridge;
// brings up the traversal zone to Expressway-E (TLS to the peer's traversal port, then
// the zone credentials); opens the tunnel outward to the peer's tunnel port and tells
// Expressway-E which web bridge URLs it proxies; for every tunnel stream opens TLS to the
// web bridge at the cached address (its certificate checked against the trusted CAs and
// the URL's name) and relays bytes both ways. Status page: the SSH tunnels status rows,
// the cache, the zone.
//
// A thin adapter over web_proxy_cache, tunnel_status, traversal_auth and tunnel_mux.
// Include only from ns-3 adapter code.
#pragma once

#include "box_log.h"
#include "expressway_config.h"
#include "traversal_auth.h"
#include "tunnel_mux.h"
#include "tunnel_status.h"
#include "web_proxy_cache.h"

#include "ns3/application.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>

namespace cmslab::devices {
class DnsResolver;
}
namespace cmslab::devices::net {
class TlsStream;
class Timer;
} // namespace cmslab::devices::net
namespace cmslab::tls {
class Context;
}

namespace cmslab::expressway {

class ExpresswayCApp : public ns3::Application {
  public:
    static ns3::TypeId GetTypeId();
    ExpresswayCApp();
    ~ExpresswayCApp() override;

    // Before the application starts. `resolver`: the box's system resolver (its DNS
    // servers). `log` may be null.
    void Configure(ExpresswayCSettings settings, std::unique_ptr<devices::DnsResolver> resolver,
                   devices::BoxLog* log, Rng rng);

    nlohmann::json Status() const;
    std::vector<TunnelRow> Rows() const;
    const WebProxyCache* Cache() const { return m_cache.get(); }
    bool ZoneActive() const { return m_zone_state == "Active"; }
    bool TunnelActive() const { return m_tunnel_up; }
    std::uint64_t StreamsRelayed() const { return m_streams_opened; }

  private:
    struct BridgeConn;

    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;

    void Log(const std::string& component, const std::string& text);
    void Begin();

    // Client-side TLS on a new TCP connection to `to`, the same for every connection the
    // box opens (traversal zone, tunnel, web bridge probes and tunnel streams): the
    // peer's certificate is judged for `server_name` at the simulated wall-clock time,
    // and the connection gets a random stream of its own named `rng_label`, so that the
    // handshake randoms do not depend on what other connections did.
    std::unique_ptr<devices::net::TlsStream> ConnectTls(const Endpoint& to,
                                                        std::shared_ptr<const tls::Context> context,
                                                        const std::string& server_name,
                                                        const std::string& rng_label);

    // Web proxy cache and probes.
    void Resolve(const std::vector<std::string>& names);
    void Resolved(const dns::LookupResult& result);
    void Probe(const std::string& name);
    void ArmRefresh();
    std::uint16_t BridgePort(const std::string& name) const;

    // Traversal zone, then tunnel.
    void ConnectZone();
    void ZoneFailed(const std::string& why);
    void ConnectTunnel();
    void TunnelFailed(const std::string& why);
    void TunnelData(const Bytes& data);
    void TunnelFrame(const MuxFrame& frame);
    void SendFrame(const MuxFrame& frame);
    void AnnounceWebBridges();
    void ScheduleRetry();

    // Streams to the web bridge.
    void OpenBridge(std::uint32_t stream, const std::string& target);
    void BridgeClosed(std::uint32_t stream, const std::string& why, bool failed);

    ExpresswayCSettings m_settings;
    std::unique_ptr<devices::DnsResolver> m_resolver;
    devices::BoxLog* m_log = nullptr;
    std::unique_ptr<Rng> m_rng;
    std::uint64_t m_next_id = 1;

    std::shared_ptr<const tls::Context> m_peer_ctx;   // zone and tunnel: client certificate
    std::shared_ptr<const tls::Context> m_bridge_ctx; // to the web bridges

    std::unique_ptr<WebProxyCache> m_cache;
    std::unique_ptr<devices::net::Timer> m_refresh_timer;
    std::map<std::string, std::string> m_probe_failures;
    std::map<std::string, std::unique_ptr<devices::net::TlsStream>> m_probes;

    std::optional<IpAddress> m_peer_address;
    std::unique_ptr<devices::net::TlsStream> m_zone;
    std::unique_ptr<TraversalAuthClient> m_zone_auth;
    std::string m_zone_state = "Inactive";
    std::string m_zone_reason = "not started";

    std::unique_ptr<devices::net::TlsStream> m_tunnel;
    MuxDecoder m_decoder;
    bool m_tunnel_up = false;
    std::string m_tunnel_reason = "traversal zone not active";
    std::unique_ptr<devices::net::Timer> m_retry_timer;
    std::unique_ptr<devices::net::Timer> m_keepalive_timer;

    std::map<std::uint32_t, std::unique_ptr<BridgeConn>> m_bridges;
    std::uint64_t m_streams_opened = 0;
};

} // namespace cmslab::expressway
