#include "tcp_connection_index.h"

#include "l4_front.h"
#include "tcp_internals.h"

#include "ns3/ipv4-end-point.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"

#include <unordered_map>

namespace cmslab::devices::net {

namespace {

// The four values of a connection as its local endpoint sees them.
struct Connection {
    std::uint32_t local_address = 0;
    std::uint32_t peer_address = 0;
    std::uint16_t local_port = 0;
    std::uint16_t peer_port = 0;

    bool operator==(const Connection& o) const {
        return local_address == o.local_address && peer_address == o.peer_address &&
               local_port == o.local_port && peer_port == o.peer_port;
    }
};

struct ConnectionHash {
    std::size_t operator()(const Connection& c) const {
        const std::uint64_t a =
            (static_cast<std::uint64_t>(c.local_address) << 32) | c.peer_address;
        const std::uint64_t b = (static_cast<std::uint64_t>(c.local_port) << 16) | c.peer_port;
        return std::hash<std::uint64_t>{}(a * 0x9e3779b97f4a7c15ULL ^ b);
    }
};

// Not const: ns-3's getters are not.
Connection Of(ns3::Ipv4EndPoint& endpoint) {
    return {endpoint.GetLocalAddress().Get(), endpoint.GetPeerAddress().Get(),
            endpoint.GetLocalPort(), endpoint.GetPeerPort()};
}

class TcpConnectionIndex : public detail::L4Front<ns3::TcpL4Protocol> {
  public:
    static ns3::TypeId GetTypeId() {
        static const ns3::TypeId tid = ns3::TypeId("cmslab::TcpConnectionIndex")
                                           .SetParent<ns3::IpL4Protocol>()
                                           .SetGroupName("Internet");
        return tid;
    }

    bool Add(ns3::Ptr<ns3::TcpSocketBase> socket) {
        ns3::Ipv4EndPoint* endpoint = detail::TcpInternals::EndPoint(*socket);
        if (endpoint == nullptr || endpoint->GetPeerPort() == 0)
            return false;
        const Connection key = Of(*endpoint);
        m_connections[key] = socket; // a later connection with the same values replaces it
        m_keys[ns3::PeekPointer(socket)] = key;
        return true;
    }
    void Remove(ns3::Ptr<ns3::TcpSocketBase> socket) {
        auto key = m_keys.find(ns3::PeekPointer(socket));
        if (key == m_keys.end())
            return;
        auto it = m_connections.find(key->second);
        if (it != m_connections.end() && it->second == socket)
            m_connections.erase(it);
        m_keys.erase(key);
    }
    std::uint64_t Delivered() const { return m_delivered; }

    using L4Front::Receive; // IPv6: ns-3's
    RxStatus Receive(ns3::Ptr<ns3::Packet> packet, const ns3::Ipv4Header& header,
                     ns3::Ptr<ns3::Ipv4Interface> interface) override {
        ns3::Ipv4EndPoint* endpoint = Find(*packet, header, interface);
        if (endpoint == nullptr)
            return m_inner->Receive(packet, header, interface);
        // As ns-3's TCP: the checksum over the pseudo-header, checked when the simulation
        // computes checksums; the header stays on for the socket.
        ns3::TcpHeader tcp;
        if (ns3::Node::ChecksumEnabled()) {
            tcp.EnableChecksums();
            tcp.InitializeChecksum(header.GetSource(), header.GetDestination(),
                                   ns3::TcpL4Protocol::PROT_NUMBER);
        }
        packet->PeekHeader(tcp);
        if (!tcp.IsChecksumOk())
            return RX_CSUM_FAILED;
        ++m_delivered;
        endpoint->ForwardUp(packet, header, tcp.GetSourcePort(), interface);
        return RX_OK;
    }

  protected:
    void DoDispose() override {
        m_connections.clear();
        m_keys.clear();
        L4Front::DoDispose();
    }

  private:
    // The endpoint of the registered connection the segment belongs to, if it still
    // stands as ns-3's demux would find it: open for receiving, the same four values,
    // bound to no other device. nullptr otherwise (and for a segment too short for TCP).
    ns3::Ipv4EndPoint* Find(const ns3::Packet& packet, const ns3::Ipv4Header& header,
                            const ns3::Ptr<ns3::Ipv4Interface>& interface) const {
        if (m_connections.empty() || packet.GetSize() < 20)
            return nullptr;
        std::uint8_t ports[4];
        packet.CopyData(ports, sizeof ports);
        const Connection key{header.GetDestination().Get(), header.GetSource().Get(),
                             static_cast<std::uint16_t>((ports[2] << 8) | ports[3]),
                             static_cast<std::uint16_t>((ports[0] << 8) | ports[1])};
        auto it = m_connections.find(key);
        if (it == m_connections.end())
            return nullptr;
        ns3::Ipv4EndPoint* endpoint = detail::TcpInternals::EndPoint(*it->second);
        if (endpoint == nullptr || !(Of(*endpoint) == key) || !endpoint->IsRxEnabled())
            return nullptr;
        if (endpoint->GetBoundNetDevice() &&
            endpoint->GetBoundNetDevice() != interface->GetDevice())
            return nullptr;
        return endpoint;
    }

    std::unordered_map<Connection, ns3::Ptr<ns3::TcpSocketBase>, ConnectionHash> m_connections;
    std::unordered_map<const ns3::TcpSocketBase*, Connection> m_keys;
    std::uint64_t m_delivered = 0;
};

ns3::Ptr<TcpConnectionIndex> IndexOf(const ns3::Ptr<ns3::Socket>& socket) {
    ns3::Ptr<ns3::Node> node = socket ? socket->GetNode() : nullptr;
    return node ? node->GetObject<TcpConnectionIndex>() : nullptr;
}

} // namespace

void InstallTcpConnectionIndex(ns3::Ptr<ns3::Node> node) {
    TcpConnectionIndex::InstallOn<TcpConnectionIndex>(node);
}

std::uint64_t IndexedSegments(ns3::Ptr<ns3::Node> node) {
    ns3::Ptr<TcpConnectionIndex> index = node->GetObject<TcpConnectionIndex>();
    return index ? index->Delivered() : 0;
}

namespace detail {

bool IndexTcpConnection(ns3::Ptr<ns3::Socket> socket) {
    ns3::Ptr<TcpConnectionIndex> index = IndexOf(socket);
    ns3::Ptr<ns3::TcpSocketBase> tcp = ns3::DynamicCast<ns3::TcpSocketBase>(socket);
    return index && tcp && index->Add(tcp);
}

void UnindexTcpConnection(ns3::Ptr<ns3::Socket> socket) {
    ns3::Ptr<TcpConnectionIndex> index = IndexOf(socket);
    if (ns3::Ptr<ns3::TcpSocketBase> tcp = ns3::DynamicCast<ns3::TcpSocketBase>(socket);
        index && tcp)
        index->Remove(tcp);
}

} // namespace detail

} // namespace cmslab::devices::net
