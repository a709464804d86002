#include "dns_resolver.h"

#include "ns3_convert.h"

#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"

#include <vector>

namespace cmslab::devices {

namespace {

Instant Now() {
    return ToInstant(ns3::Simulator::Now());
}

} // namespace

DnsResolver::DnsResolver(ns3::Ptr<ns3::Node> node, dns::ResolverConfig config, Rng rng)
    : m_node(std::move(node)), m_stub(std::move(config), std::move(rng)) {}

DnsResolver::~DnsResolver() {
    m_timer.Cancel();
    for (auto& [lookup, socket] : m_udp)
        Silence(socket);
    for (auto& [socket, query] : m_tcp)
        Silence(socket);
}

void DnsResolver::Silence(ns3::Ptr<ns3::Socket> socket) {
    socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                               ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                              ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->Close();
}

dns::LookupId DnsResolver::Resolve(const std::string& name, dns::RecordType type, Done done) {
    dns::ResolveStarted started = m_stub.Resolve(name, type, Now());
    m_done[started.id] = std::move(done);
    Apply(std::move(started.output));
    return started.id;
}

void DnsResolver::Cancel(dns::LookupId lookup) {
    m_stub.Cancel(lookup);
    m_done.erase(lookup);
    Release(lookup);
    ArmTimer();
}

void DnsResolver::Apply(dns::ResolverOutput output) {
    for (const dns::Transmit& t : output.transmits) {
        if (t.transport == dns::Transport::Udp)
            SendUdp(t);
        else
            SendTcp(t);
    }
    // Finish the bookkeeping before any callback runs: a callback may start a new lookup.
    std::vector<std::pair<Done, dns::LookupResult>> finished;
    for (dns::LookupResult& r : output.results) {
        Release(r.lookup);
        auto it = m_done.find(r.lookup);
        if (it == m_done.end())
            continue;
        finished.emplace_back(std::move(it->second), std::move(r));
        m_done.erase(it);
    }
    ArmTimer();
    for (auto& [done, result] : finished) {
        if (done)
            done(result);
    }
}

void DnsResolver::SendUdp(const dns::Transmit& t) {
    ns3::Ptr<ns3::Socket>& socket = m_udp[t.lookup];
    if (!socket) {
        socket = ns3::Socket::CreateSocket(m_node, ns3::UdpSocketFactory::GetTypeId());
        socket->Bind();
        const dns::LookupId lookup = t.lookup;
        socket->SetRecvCallback([this, lookup](ns3::Ptr<ns3::Socket> s) { ReceiveUdp(lookup, s); });
    }
    socket->SendTo(t.payload.data(), static_cast<std::uint32_t>(t.payload.size()), 0, ToNs3(t.to));
}

void DnsResolver::ReceiveUdp(dns::LookupId lookup, ns3::Ptr<ns3::Socket> socket) {
    ns3::Address from;
    while (ns3::Ptr<ns3::Packet> p = socket->RecvFrom(from)) {
        if (!ns3::InetSocketAddress::IsMatchingType(from))
            continue;
        Bytes data(p->GetSize());
        p->CopyData(data.data(), p->GetSize());
        Apply(m_stub.HandleResponse(data, FromNs3(ns3::InetSocketAddress::ConvertFrom(from)), Now(),
                                    dns::Transport::Udp));
        if (m_udp.count(lookup) == 0)
            break; // the lookup finished and its socket is closed
    }
}

void DnsResolver::SendTcp(const dns::Transmit& t) {
    auto framed = dns::FrameTcp(t.payload);
    if (!framed) {
        Apply(m_stub.HandleTransportError(t.lookup, Now()));
        return;
    }
    ns3::Ptr<ns3::Socket> socket =
        ns3::Socket::CreateSocket(m_node, ns3::TcpSocketFactory::GetTypeId());
    TcpQuery& q = m_tcp[socket];
    q.lookup = t.lookup;
    q.server = t.to;
    q.framed = std::move(*framed);
    socket->SetConnectCallback(
        [this](ns3::Ptr<ns3::Socket> s) {
            auto it = m_tcp.find(s);
            if (it != m_tcp.end())
                s->Send(it->second.framed.data(),
                        static_cast<std::uint32_t>(it->second.framed.size()), 0);
        },
        [this](ns3::Ptr<ns3::Socket> s) { TcpFailed(s); });
    socket->SetRecvCallback([this](ns3::Ptr<ns3::Socket> s) { ReceiveTcp(s); });
    socket->SetCloseCallbacks(
        [this](ns3::Ptr<ns3::Socket> s) {
            ReceiveTcp(s);
            TcpFailed(s); // closed before a whole answer came: this server failed
        },
        [this](ns3::Ptr<ns3::Socket> s) { TcpFailed(s); });
    socket->Bind();
    socket->Connect(ToNs3(t.to));
}

void DnsResolver::ReceiveTcp(ns3::Ptr<ns3::Socket> socket) {
    auto it = m_tcp.find(socket);
    if (it == m_tcp.end())
        return;
    while (ns3::Ptr<ns3::Packet> p = socket->Recv()) {
        if (p->GetSize() == 0)
            break; // ns-3 hands out an empty packet for end of stream
        Bytes chunk(p->GetSize());
        p->CopyData(chunk.data(), p->GetSize());
        it->second.in.Push(chunk);
    }
    while (true) {
        it = m_tcp.find(socket); // Apply may have released it
        if (it == m_tcp.end())
            return;
        auto message = it->second.in.Next();
        if (!message)
            return;
        const Endpoint server = it->second.server;
        Apply(m_stub.HandleResponse(*message, server, Now(), dns::Transport::Tcp));
    }
}

void DnsResolver::TcpFailed(ns3::Ptr<ns3::Socket> socket) {
    auto it = m_tcp.find(socket);
    if (it == m_tcp.end())
        return;
    const dns::LookupId lookup = it->second.lookup;
    Silence(socket);
    m_tcp.erase(it);
    Apply(m_stub.HandleTransportError(lookup, Now()));
}

void DnsResolver::Release(dns::LookupId lookup) {
    auto udp = m_udp.find(lookup);
    if (udp != m_udp.end()) {
        Silence(udp->second);
        m_udp.erase(udp);
    }
    for (auto it = m_tcp.begin(); it != m_tcp.end();) {
        if (it->second.lookup == lookup) {
            Silence(it->first);
            it = m_tcp.erase(it);
        } else {
            ++it;
        }
    }
}

void DnsResolver::ArmTimer() {
    m_timer.Cancel();
    const std::optional<Instant> next = m_stub.NextTimeout();
    if (!next)
        return;
    const Instant now = Now();
    const Duration delay = *next > now ? *next - now : Duration{0};
    m_timer =
        ns3::Simulator::Schedule(ToNs3(delay), [this] { Apply(m_stub.HandleTimeout(Now())); });
}

} // namespace cmslab::devices
