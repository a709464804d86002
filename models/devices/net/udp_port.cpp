#include "udp_port.h"

#include "ns3_endpoint.h"
#include "roomy_packet.h"
#include "sim_lifetime.h"
#include "udp_port_index.h"

#include "ns3/ipv4-packet-info-tag.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"

namespace cmslab::devices::net {

namespace {
constexpr std::size_t kMaxUdpPayload = 65507; // 65535 - IPv4 header - UDP header
} // namespace

struct UdpPort::Impl final : std::enable_shared_from_this<UdpPort::Impl>, detail::IndexedUdpSink {
    ns3::Ptr<ns3::Socket> socket;
    ns3::Ptr<ns3::Node> node;
    std::uint64_t simulation = 0;
    Endpoint local;
    bool indexed = false; // found through the node's UdpPortIndex
    // Shared so that a datagram's handler outlives a SetOnDatagram or a close from inside
    // it, without copying the handler (and what it captured) for every datagram.
    std::shared_ptr<const DatagramHandler> handler;
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    bool closed = false;

    void Receive() {
        auto self = shared_from_this();
        ns3::Address from;
        while (!closed) {
            ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from);
            if (!packet)
                break;
            Endpoint to = local;
            ns3::Ipv4PacketInfoTag info;
            if (packet->RemovePacketTag(info))
                to.address = detail::FromNs3Address(info.GetAddress());
            Bytes data(packet->GetSize());
            packet->CopyData(data.data(), packet->GetSize());
            Deliver(detail::FromNs3Address(from), to, data);
        }
    }

    // From the node's index: the datagram ns-3's socket would have had.
    void DeliverIndexed(const Endpoint& from, const Endpoint& to, Bytes data) override {
        auto self = shared_from_this();
        if (!closed)
            Deliver(from, to, data);
    }

    void Deliver(const Endpoint& from, const Endpoint& to, const Bytes& data) {
        ++received;
        if (!handler || !*handler)
            return;
        const auto h = handler; // the port may go inside
        (*h)(from, to, data);
    }
};

UdpPort::UdpPort(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}

UdpPort::~UdpPort() {
    m_impl->closed = true;
    m_impl->handler = nullptr;
    if (m_impl->socket && detail::SimulationAlive(m_impl->simulation)) {
        if (m_impl->indexed)
            detail::UnindexUdpPort(m_impl->node, m_impl->local);
        m_impl->socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
        m_impl->socket->Close();
    }
}

Expected<std::unique_ptr<UdpPort>> UdpPort::Bind(ns3::Ptr<ns3::Node> node, const Endpoint& local) {
    auto impl = std::make_shared<Impl>();
    impl->simulation = detail::CurrentSimulation();
    impl->socket = ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
    if (impl->socket->Bind(detail::ToNs3Address(local)) != 0) {
        impl->socket->Close();
        return Error{"cannot bind UDP " + local.ToString() + ": address and port in use"};
    }
    impl->socket->SetRecvPktInfo(true);
    ns3::Address bound;
    impl->local = impl->socket->GetSockName(bound) == 0 ? detail::FromNs3Address(bound) : local;
    std::weak_ptr<Impl> weak = impl;
    impl->socket->SetRecvCallback([weak](ns3::Ptr<ns3::Socket>) {
        if (auto self = weak.lock())
            self->Receive();
    });
    impl->node = node;
    impl->indexed = detail::IndexUdpPort(node, impl->local, impl.get());
    return std::unique_ptr<UdpPort>(new UdpPort(impl));
}

void UdpPort::SetOnDatagram(DatagramHandler handler) {
    m_impl->handler = std::make_shared<const DatagramHandler>(std::move(handler));
}

bool UdpPort::SendTo(const Endpoint& to, ByteView data) {
    if (m_impl->closed || data.size > kMaxUdpPayload)
        return false;
    const int sent = m_impl->socket->SendTo(RoomyPacket(data), 0, detail::ToNs3Address(to));
    if (sent < 0)
        return false;
    ++m_impl->sent;
    return true;
}

Endpoint UdpPort::LocalEndpoint() const {
    return m_impl->local;
}

std::uint64_t UdpPort::DatagramsSent() const {
    return m_impl->sent;
}

std::uint64_t UdpPort::DatagramsReceived() const {
    return m_impl->received;
}

} // namespace cmslab::devices::net
