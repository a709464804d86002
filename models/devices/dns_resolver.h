// A box's system resolver on ns-3: drives the sans-I/O StubResolver with the node's
// sockets and the simulator's clock. Each lookup gets its own UDP socket (a fresh
// ephemeral port, as glibc does per resolution); a truncated answer is asked again over
// TCP; retries and server failover run on simulator timers.
//
// Callbacks run from simulator events. Do not destroy the resolver from inside one.
// Include only from ns-3 adapter code: it pulls in ns-3 headers.
#pragma once

#include "common/rng.h"
#include "dns/stub_resolver.h"
#include "dns/tcp_framing.h"

#include "ns3/event-id.h"
#include "ns3/node.h"
#include "ns3/socket.h"

#include <functional>
#include <map>
#include <string>

namespace cmslab::devices {

class DnsResolver {
  public:
    using Done = std::function<void(const dns::LookupResult&)>;

    DnsResolver(ns3::Ptr<ns3::Node> node, dns::ResolverConfig config, Rng rng);
    ~DnsResolver();
    DnsResolver(const DnsResolver&) = delete;
    DnsResolver& operator=(const DnsResolver&) = delete;

    // Starts a lookup; `done` gets its one result (possibly before Resolve returns, for a
    // name that does not parse or when no server is configured).
    dns::LookupId Resolve(const std::string& name, dns::RecordType type, Done done);
    void Cancel(dns::LookupId lookup);
    std::size_t Outstanding() const { return m_stub.Outstanding(); }
    const dns::ResolverConfig& Config() const { return m_stub.Config(); }

  private:
    struct TcpQuery {
        dns::LookupId lookup = 0;
        Endpoint server;
        Bytes framed;
        dns::TcpStreamAccumulator in;
    };

    void Apply(dns::ResolverOutput output);
    void SendUdp(const dns::Transmit& t);
    void SendTcp(const dns::Transmit& t);
    void ReceiveUdp(dns::LookupId lookup, ns3::Ptr<ns3::Socket> socket);
    void ReceiveTcp(ns3::Ptr<ns3::Socket> socket);
    void TcpFailed(ns3::Ptr<ns3::Socket> socket);
    void Release(dns::LookupId lookup);
    void ArmTimer();
    static void Silence(ns3::Ptr<ns3::Socket> socket);

    ns3::Ptr<ns3::Node> m_node;
    dns::StubResolver m_stub;
    std::map<dns::LookupId, Done> m_done;
    std::map<dns::LookupId, ns3::Ptr<ns3::Socket>> m_udp;
    std::map<ns3::Ptr<ns3::Socket>, TcpQuery> m_tcp;
    ns3::EventId m_timer;
};

} // namespace cmslab::devices
