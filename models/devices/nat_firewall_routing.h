// The NAT/firewall box in ns-3: its node's TOP-LEVEL routing protocol. ns-3 has no
// netfilter, and a child of Ipv4ListRouting would see datagrams for the public address
// only after local delivery had taken them, so this protocol sees every datagram first,
// lets the engine filter and translate it, and hands the result to an inner
// Ipv4StaticRouting that forwards it (or delivers it, when it is for the box itself).
//
// The outside (public) addresses of the mappings must be extra addresses on the outside
// interface, so that the box answers ARP for them.
//
// Include only from ns-3 adapter code: it pulls in ns-3 headers.
#pragma once

#include "box_log.h"
#include "nat_firewall_engine.h"

#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4-static-routing.h"

#include <memory>
#include <vector>

namespace cmslab::devices {

class NatFirewallRouting : public ns3::Ipv4RoutingProtocol {
  public:
    static ns3::TypeId GetTypeId();
    NatFirewallRouting();

    // `outside_interface`: the Ipv4 interface index of the public side. `log` may be null.
    void Configure(std::shared_ptr<NatFirewallEngine> engine, std::uint32_t outside_interface,
                   BoxLog* log);
    ns3::Ptr<ns3::Ipv4StaticRouting> StaticRouting() const { return m_static; }
    const NatFirewallEngine& Engine() const { return *m_engine; }

    ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p, const ns3::Ipv4Header& header,
                                         ns3::Ptr<ns3::NetDevice> oif,
                                         ns3::Socket::SocketErrno& sockerr) override;
    bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                    ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(std::uint32_t interface) override;
    void NotifyInterfaceDown(std::uint32_t interface) override;
    void NotifyAddAddress(std::uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(std::uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override;
    void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                           ns3::Time::Unit unit = ns3::Time::S) const override;

  protected:
    void DoDispose() override;

  private:
    // Which way a datagram goes through the box, or false when the NAT has no say
    // (traffic between inside networks, broadcast, for the box itself from inside).
    bool ClassifyPath(const ns3::Ipv4Header& header, std::int32_t in_interface, NatPath& path);
    // The subnet broadcast addresses of the box's interfaces, gathered again after any
    // change of its addresses rather than walked through Ipv4 for every datagram.
    const std::vector<ns3::Ipv4Address>& SubnetBroadcasts();

    ns3::Ptr<ns3::Ipv4> m_ipv4;
    ns3::Ptr<ns3::Ipv4StaticRouting> m_static;
    std::shared_ptr<NatFirewallEngine> m_engine;
    std::uint32_t m_outside = 0;
    BoxLog* m_log = nullptr;
    std::vector<ns3::Ipv4Address> m_broadcasts;
    bool m_broadcasts_stale = true;
};

} // namespace cmslab::devices
