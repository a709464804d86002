#include "udp_port_index.h"

#include "l4_front.h"

#include "ns3/udp-header.h"
#include "ns3/udp-l4-protocol.h"

#include <unordered_map>

namespace cmslab::devices::net {

namespace {

class UdpPortIndex : public detail::L4Front<ns3::UdpL4Protocol> {
  public:
    static ns3::TypeId GetTypeId() {
        static const ns3::TypeId tid = ns3::TypeId("cmslab::UdpPortIndex")
                                           .SetParent<ns3::IpL4Protocol>()
                                           .SetGroupName("Internet");
        return tid;
    }

    bool Add(const Endpoint& local, detail::IndexedUdpSink* sink) {
        return m_ports.emplace(Key(local.address.V4Value(), local.port), sink).second;
    }
    void Remove(const Endpoint& local) { m_ports.erase(Key(local.address.V4Value(), local.port)); }
    std::uint64_t Delivered() const { return m_delivered; }

    using L4Front::Receive; // IPv6: ns-3's
    RxStatus Receive(ns3::Ptr<ns3::Packet> packet, const ns3::Ipv4Header& header,
                     ns3::Ptr<ns3::Ipv4Interface> interface) override {
        detail::IndexedUdpSink* sink = Find(*packet, header.GetDestination());
        if (sink == nullptr)
            return m_inner->Receive(packet, header, interface);
        // As ns-3's UDP: the checksum over the pseudo-header, checked when the
        // simulation computes checksums, then the payload.
        ns3::UdpHeader udp;
        if (m_checksums)
            udp.EnableChecksums();
        udp.InitializeChecksum(header.GetSource(), header.GetDestination(),
                               ns3::UdpL4Protocol::PROT_NUMBER);
        packet->RemoveHeader(udp);
        if (!udp.IsChecksumOk())
            return RX_CSUM_FAILED;
        Bytes data(packet->GetSize());
        packet->CopyData(data.data(), packet->GetSize());
        ++m_delivered;
        sink->DeliverIndexed(
            Endpoint{IpAddress::V4(header.GetSource().Get()), udp.GetSourcePort()},
            Endpoint{IpAddress::V4(header.GetDestination().Get()), udp.GetDestinationPort()},
            std::move(data));
        return RX_OK;
    }

    // Every datagram the node's UDP sends comes here on its way down to IPv4, its UDP
    // header at its start. ns-3 writes a checksum that computes to zero as 0, which on the
    // wire means "no checksum" (Wireshark: "zero-value ignored"); RFC 768 sends it as all
    // ones, as Linux does. One datagram in 65,536. ns-3's UDP took IPv4's Send as its way
    // down when it was aggregated to the node; SendDown goes in between, once.
    void TakeTheWayOut() {
        if (!m_down.IsNull())
            return;
        m_down = m_inner->GetDownTarget();
        m_inner->SetDownTarget(ns3::MakeCallback(&UdpPortIndex::SendDown, this));
    }
    void SetDownTarget(DownTargetCallback cb) override {
        if (m_down.IsNull())
            m_inner->SetDownTarget(cb);
        else
            m_down = cb;
    }
    DownTargetCallback GetDownTarget() const override {
        return m_down.IsNull() ? m_inner->GetDownTarget() : m_down;
    }

  protected:
    void DoDispose() override {
        m_ports.clear();
        m_down = DownTargetCallback();
        L4Front::DoDispose();
    }

  private:
    void SendDown(ns3::Ptr<ns3::Packet> packet, ns3::Ipv4Address source,
                  ns3::Ipv4Address destination, std::uint8_t protocol,
                  ns3::Ptr<ns3::Ipv4Route> route) {
        // With checksums on, ns-3's UDP always computes one: a zero field is a zero sum.
        std::uint8_t header[8];
        if (m_checksums && packet->CopyData(header, sizeof header) == 8 && header[6] == 0 &&
            header[7] == 0) {
            ns3::UdpHeader udp;
            packet->RemoveHeader(udp);
            udp.ForceChecksum(0xffff);
            // Deserialize keeps the length less the header; 0 has Serialize write the
            // datagram's own length again.
            udp.ForcePayloadSize(0);
            packet->AddHeader(udp);
        }
        m_down(packet, source, destination, protocol, route);
    }

    static std::uint64_t Key(std::uint32_t address, std::uint16_t port) {
        return (static_cast<std::uint64_t>(address) << 16) | port;
    }

    // The port bound to the datagram's address, else the one bound to 0.0.0.0 (ns-3's
    // order); nullptr for a datagram too short to carry a UDP header.
    detail::IndexedUdpSink* Find(const ns3::Packet& packet, ns3::Ipv4Address destination) const {
        if (m_ports.empty() || packet.GetSize() < 8)
            return nullptr;
        std::uint8_t ports[4];
        packet.CopyData(ports, sizeof ports);
        const auto port = static_cast<std::uint16_t>((ports[2] << 8) | ports[3]);
        auto it = m_ports.find(Key(destination.Get(), port));
        if (it == m_ports.end())
            it = m_ports.find(Key(0, port));
        return it == m_ports.end() ? nullptr : it->second;
    }

    std::unordered_map<std::uint64_t, detail::IndexedUdpSink*> m_ports;
    std::uint64_t m_delivered = 0;
    DownTargetCallback m_down; // IPv4's Send
    // Fixed before the first node exists; ns-3 looks the global value up by name on every
    // call (about 350 instructions), twice per datagram here.
    const bool m_checksums = ns3::Node::ChecksumEnabled();
};

} // namespace

void InstallUdpPortIndex(ns3::Ptr<ns3::Node> node) {
    UdpPortIndex::InstallOn<UdpPortIndex>(node);
    if (ns3::Ptr<UdpPortIndex> index = node->GetObject<UdpPortIndex>())
        index->TakeTheWayOut();
}

std::uint64_t IndexedDatagrams(ns3::Ptr<ns3::Node> node) {
    ns3::Ptr<UdpPortIndex> index = node->GetObject<UdpPortIndex>();
    return index ? index->Delivered() : 0;
}

namespace detail {

bool IndexUdpPort(ns3::Ptr<ns3::Node> node, const Endpoint& local, IndexedUdpSink* sink) {
    ns3::Ptr<UdpPortIndex> index = node->GetObject<UdpPortIndex>();
    return index && index->Add(local, sink);
}

void UnindexUdpPort(ns3::Ptr<ns3::Node> node, const Endpoint& local) {
    if (ns3::Ptr<UdpPortIndex> index = node->GetObject<UdpPortIndex>())
        index->Remove(local);
}

} // namespace detail

} // namespace cmslab::devices::net
