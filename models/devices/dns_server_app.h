// The DNS server box in ns-3: an authoritative server answering on UDP and TCP port 53
// of every address of its node. Thin: bytes from a socket go to AuthoritativeServer and
// its answer goes back; TCP messages are framed with their 2-byte length (RFC 7766).
// Each query is one line in the box's log, the way a server's query log reads.
//
// Include only from ns-3 adapter code: it pulls in ns-3 headers.
#pragma once

#include "box_log.h"
#include "dns/authoritative_server.h"
#include "dns/tcp_framing.h"

#include "ns3/application.h"
#include "ns3/socket.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>

namespace cmslab::devices {

struct DnsServerCounters {
    std::uint64_t queries_udp = 0;
    std::uint64_t queries_tcp = 0;
    std::uint64_t answered = 0; // responses sent
    std::uint64_t noerror = 0;
    std::uint64_t nxdomain = 0;
    std::uint64_t refused = 0;
    std::uint64_t other_rcode = 0;
    std::uint64_t dropped = 0; // nothing could be answered
    std::uint64_t truncated = 0;
    std::uint64_t tcp_connections = 0;
};

class DnsServerApp : public ns3::Application {
  public:
    static ns3::TypeId GetTypeId();
    DnsServerApp() = default;

    // Before the application starts. `log` may be null.
    void Configure(std::shared_ptr<const dns::AuthoritativeServer> server, BoxLog* log,
                   std::uint16_t port = 53);
    const DnsServerCounters& Counters() const { return m_counters; }
    nlohmann::json Status() const;

  private:
    struct Connection {
        dns::TcpStreamAccumulator in;
        Bytes out; // framed answers the socket could not take yet
    };

    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;

    void ReceiveUdp(ns3::Ptr<ns3::Socket> socket);
    void Accept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
    void ReceiveTcp(ns3::Ptr<ns3::Socket> socket);
    void FlushTcp(ns3::Ptr<ns3::Socket> socket);
    void CloseTcp(ns3::Ptr<ns3::Socket> socket);
    // Answers one query; logs and counts it. Empty: send nothing.
    Bytes Answer(ByteView query, const ns3::Address& from, dns::Transport transport);

    std::shared_ptr<const dns::AuthoritativeServer> m_server;
    BoxLog* m_log = nullptr;
    std::uint16_t m_port = 53;
    ns3::Ptr<ns3::Socket> m_udp;
    ns3::Ptr<ns3::Socket> m_tcp;
    std::map<ns3::Ptr<ns3::Socket>, Connection> m_connections;
    DnsServerCounters m_counters;
};

} // namespace cmslab::devices
