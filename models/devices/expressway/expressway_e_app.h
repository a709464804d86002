// Expressway-E on ns-3: the web proxy on 443 of every NIC (TLS with its certificate, the
// Host policy, accepted connections relayed as tunnel streams to Expressway-C byte for
// byte), the traversal zone server, the tunnel server on LAN1, the TURN server (UDP and
// TCP on every NIC, relays on the external NIC advertised as the static NAT address),
// the web administration page, the status page and the box log.
//
// A thin adapter: product logic lives in host_policy, tunnel_mux, traversal_auth,
// turn::Server. Include only from ns-3 adapter code.
#pragma once

#include "box_log.h"
#include "expressway_config.h"
#include "host_policy.h"
#include "traversal_auth.h"
#include "tunnel_mux.h"
#include "turn/server.h"
#include "turn_status.h"

#include "ns3/application.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>

namespace cmslab::devices::net {
class ByteStream;
class TcpListener;
class TcpStream;
class TlsStream;
class UdpPort;
class Timer;
} // namespace cmslab::devices::net
namespace cmslab::tls {
class Context;
}

namespace cmslab::expressway {

struct ExpresswayECounters {
    std::uint64_t proxy_connections = 0;
    std::uint64_t proxy_accepted = 0; // requests whose Host was a learned web bridge
    std::uint64_t proxy_refused = 0;  // answered 400 Bad Request
    std::uint64_t tunnel_connections = 0;
    std::uint64_t traversal_connections = 0;
    std::uint64_t admin_requests = 0;
};

class ExpresswayEApp : public ns3::Application {
  public:
    static ns3::TypeId GetTypeId();
    ExpresswayEApp();
    ~ExpresswayEApp() override;

    // Before the application starts. `log` may be null.
    void Configure(ExpresswayESettings settings, devices::BoxLog* log, Rng rng);

    nlohmann::json Status() const;
    const HostPolicy& Policy() const { return m_policy; }
    const ExpresswayECounters& Counters() const { return m_counters; }
    bool TunnelUp() const;
    bool ZoneAuthenticated() const { return m_zone_state == "Active"; }
    const turn::Server* Turn() const { return m_turn.get(); }

  private:
    struct ProxyConn;
    struct TunnelConn;
    struct ZoneConn;
    struct AdminConn;

    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;

    void Log(const std::string& component, const std::string& text);
    std::string InternalNicAddress() const;

    // Server-side TLS on an accepted connection, the same for every TLS service of the
    // box: certificates are judged at the simulated wall-clock time, and the connection
    // gets a random stream of its own named "<service>:<id>", so that the handshake
    // randoms do not depend on what other connections did.
    std::unique_ptr<devices::net::TlsStream> AcceptTls(std::unique_ptr<devices::net::TcpStream> tcp,
                                                       std::shared_ptr<const tls::Context> context,
                                                       const std::string& service,
                                                       std::uint64_t id);

    // Web proxy.
    void AcceptProxy(std::unique_ptr<devices::net::TcpStream> tcp);
    void ProxyData(std::uint64_t id, const Bytes& data);
    void ProxyClosed(std::uint64_t id, const std::string& why);
    void DecideProxy(ProxyConn& c, const http::RequestHead& head);
    // Tunnel.
    void AcceptTunnel(std::unique_ptr<devices::net::TcpStream> tcp);
    void TunnelHandshake(std::uint64_t id);
    void TunnelData(std::uint64_t id, const Bytes& data);
    void TunnelClosed(std::uint64_t id, const std::string& why);
    void TunnelFrame(const MuxFrame& frame);
    bool SendFrame(const MuxFrame& frame);
    // Traversal zone.
    void AcceptZone(std::unique_ptr<devices::net::TcpStream> tcp);
    // TURN.
    void StartTurn();
    void AcceptTurnTcp(std::unique_ptr<devices::net::TcpStream> tcp);
    void PumpTurn();
    // Receives on a relay socket the TURN server opened.
    void OpenRelay(const Endpoint& relay);
    // Web administration.
    void AcceptAdmin(std::unique_ptr<devices::net::TcpStream> tcp);

    ExpresswayESettings m_settings;
    devices::BoxLog* m_log = nullptr;
    std::unique_ptr<Rng> m_rng;
    std::uint64_t m_next_id = 1;
    std::uint32_t m_next_stream = 1;

    std::shared_ptr<const tls::Context> m_server_ctx; // web proxy, admin
    std::shared_ptr<const tls::Context>
        m_peer_ctx; // traversal and tunnel: asks for a client certificate
    std::vector<std::unique_ptr<devices::net::TcpListener>> m_listeners;

    HostPolicy m_policy;
    std::map<std::uint64_t, std::unique_ptr<ProxyConn>> m_proxy;
    std::map<std::uint32_t, std::uint64_t> m_stream_to_proxy;

    std::map<std::uint64_t, std::unique_ptr<TunnelConn>> m_tunnels; // at most one authenticated
    std::optional<std::uint64_t> m_tunnel;                          // the active one
    std::string m_tunnel_state = "Inactive";
    std::string m_tunnel_reason = "no tunnel from Expressway-C yet";
    std::string m_tunnel_peer;

    std::map<std::uint64_t, std::unique_ptr<ZoneConn>> m_zones;
    std::string m_zone_state = "Inactive";
    std::string m_zone_reason = "no connection from the traversal client yet";
    std::string m_zone_peer;

    std::unique_ptr<turn::Server> m_turn;
    std::vector<std::unique_ptr<devices::net::UdpPort>> m_turn_udp;
    std::map<Endpoint, std::unique_ptr<devices::net::UdpPort>> m_relays;
    std::map<std::pair<Endpoint, Endpoint>, std::unique_ptr<devices::net::TcpStream>> m_turn_tcp;
    std::unique_ptr<devices::net::Timer> m_turn_timer;
    TurnListening m_turn_listening;

    std::map<std::uint64_t, std::unique_ptr<AdminConn>> m_admin;
    ExpresswayECounters m_counters;
};

} // namespace cmslab::expressway
