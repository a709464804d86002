#include "nat_firewall_routing.h"

#include "ns3/ipv4-route.h"
#include "ns3/ipv4.h"
#include "ns3/packet.h"

#include <vector>

namespace cmslab::devices {

NS_OBJECT_ENSURE_REGISTERED(NatFirewallRouting);

ns3::TypeId NatFirewallRouting::GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId("cmslab::devices::NatFirewallRouting")
                                 .SetParent<ns3::Ipv4RoutingProtocol>()
                                 .SetGroupName("Internet")
                                 .AddConstructor<NatFirewallRouting>();
    return tid;
}

NatFirewallRouting::NatFirewallRouting() : m_static(ns3::CreateObject<ns3::Ipv4StaticRouting>()) {}

void NatFirewallRouting::Configure(std::shared_ptr<NatFirewallEngine> engine,
                                   std::uint32_t outside_interface, BoxLog* log) {
    m_engine = std::move(engine);
    m_outside = outside_interface;
    m_log = log;
}

ns3::Ptr<ns3::Ipv4Route> NatFirewallRouting::RouteOutput(ns3::Ptr<ns3::Packet> p,
                                                         const ns3::Ipv4Header& header,
                                                         ns3::Ptr<ns3::NetDevice> oif,
                                                         ns3::Socket::SocketErrno& sockerr) {
    // The box's own traffic is neither translated nor filtered.
    return m_static->RouteOutput(p, header, oif, sockerr);
}

const std::vector<ns3::Ipv4Address>& NatFirewallRouting::SubnetBroadcasts() {
    if (m_broadcasts_stale) {
        m_broadcasts.clear();
        for (std::uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i) {
            for (std::uint32_t j = 0; j < m_ipv4->GetNAddresses(i); ++j) {
                const ns3::Ipv4InterfaceAddress a = m_ipv4->GetAddress(i, j);
                if (a.GetMask() != ns3::Ipv4Mask::GetOnes())
                    m_broadcasts.push_back(a.GetBroadcast());
            }
        }
        m_broadcasts_stale = false;
    }
    return m_broadcasts;
}

bool NatFirewallRouting::ClassifyPath(const ns3::Ipv4Header& header, std::int32_t in_interface,
                                      NatPath& path) {
    const ns3::Ipv4Address dst = header.GetDestination();
    if (dst.IsBroadcast() || dst.IsMulticast())
        return false;
    for (const ns3::Ipv4Address& broadcast : SubnetBroadcasts())
        if (dst == broadcast)
            return false;
    if (in_interface == static_cast<std::int32_t>(m_outside)) {
        path = NatPath::Inbound;
        return true;
    }
    if (m_engine->IsMappedOutside(IpAddress::V4(dst.Get()))) {
        path = NatPath::Hairpin;
        return true;
    }
    if (m_ipv4->IsDestinationAddress(dst, static_cast<std::uint32_t>(in_interface)))
        return false;
    ns3::Socket::SocketErrno err = ns3::Socket::ERROR_NOTERROR;
    // No packet: the static routing looks at the header only (RouteOutput takes null).
    ns3::Ptr<ns3::Ipv4Route> route = m_static->RouteOutput(nullptr, header, nullptr, err);
    if (route && m_ipv4->GetInterfaceForDevice(route->GetOutputDevice()) ==
                     static_cast<std::int32_t>(m_outside)) {
        path = NatPath::Outbound;
        return true;
    }
    return false;
}

bool NatFirewallRouting::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                                    ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                                    MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                                    ErrorCallback ecb) {
    NatPath path = NatPath::Inbound;
    if (!m_engine || !ClassifyPath(header, m_ipv4->GetInterfaceForDevice(idev), path))
        return m_static->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);

    // The engine works on the datagram as on the wire: put the header back on a copy.
    ns3::Ptr<ns3::Packet> whole = p->Copy();
    ns3::Ipv4Header wire_header = header;
    wire_header.EnableChecksum();
    whole->AddHeader(wire_header);
    std::vector<std::uint8_t> bytes(whole->GetSize());
    whole->CopyData(bytes.data(), static_cast<std::uint32_t>(bytes.size()));

    NatVerdict verdict = m_engine->Process(bytes, path);
    if (m_log && !verdict.log.empty())
        m_log->Write("firewall", verdict.log);
    if (!verdict.forward)
        return true; // dropped here, deliberately: not a routing failure

    ns3::Ptr<ns3::Packet> rewritten =
        ns3::Create<ns3::Packet>(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
    ns3::Ipv4Header new_header;
    new_header.EnableChecksum();
    rewritten->RemoveHeader(new_header);
    return m_static->RouteInput(rewritten, new_header, idev, ucb, mcb, lcb, ecb);
}

void NatFirewallRouting::NotifyInterfaceUp(std::uint32_t interface) {
    m_broadcasts_stale = true;
    m_static->NotifyInterfaceUp(interface);
}

void NatFirewallRouting::NotifyInterfaceDown(std::uint32_t interface) {
    m_broadcasts_stale = true;
    m_static->NotifyInterfaceDown(interface);
}

void NatFirewallRouting::NotifyAddAddress(std::uint32_t interface,
                                          ns3::Ipv4InterfaceAddress address) {
    m_broadcasts_stale = true;
    m_static->NotifyAddAddress(interface, address);
}

void NatFirewallRouting::NotifyRemoveAddress(std::uint32_t interface,
                                             ns3::Ipv4InterfaceAddress address) {
    m_broadcasts_stale = true;
    m_static->NotifyRemoveAddress(interface, address);
}

void NatFirewallRouting::SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) {
    m_ipv4 = ipv4;
    m_broadcasts_stale = true;
    m_static->SetIpv4(ipv4);
}

void NatFirewallRouting::PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                                           ns3::Time::Unit unit) const {
    m_static->PrintRoutingTable(stream, unit);
}

void NatFirewallRouting::DoDispose() {
    m_static->Dispose();
    m_static = nullptr;
    m_ipv4 = nullptr;
    m_engine.reset();
    m_log = nullptr;
    ns3::Ipv4RoutingProtocol::DoDispose();
}

} // namespace cmslab::devices
