// What the UDP and TCP indexes share: an IpL4Protocol that stands in front of one of
// ns-3's transport protocols as the IPv4 stack's handler of its protocol number. The index
// takes the segments it can place itself and hands everything else on to ns-3's protocol
// unchanged: IPv4 traffic it does not know, IPv6, ICMP errors, and the sending side.
// Included only by the index sources (it brings in ns-3's L4 headers).
#pragma once

#include "ns3/ip-l4-protocol.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-interface.h"
#include "ns3/node.h"
#include "ns3/packet.h"

#include <cstdint>

namespace cmslab::devices::net::detail {

template <class Inner> class L4Front : public ns3::IpL4Protocol {
  public:
    int GetProtocolNumber() const override { return Inner::PROT_NUMBER; }

    RxStatus Receive(ns3::Ptr<ns3::Packet> packet, const ns3::Ipv6Header& header,
                     ns3::Ptr<ns3::Ipv6Interface> interface) override {
        return m_inner->Receive(packet, header, interface);
    }
    void ReceiveIcmp(ns3::Ipv4Address icmp_source, std::uint8_t icmp_ttl, std::uint8_t icmp_type,
                     std::uint8_t icmp_code, std::uint32_t icmp_info,
                     ns3::Ipv4Address payload_source, ns3::Ipv4Address payload_destination,
                     const std::uint8_t payload[8]) override {
        m_inner->ReceiveIcmp(icmp_source, icmp_ttl, icmp_type, icmp_code, icmp_info, payload_source,
                             payload_destination, payload);
    }
    void ReceiveIcmp(ns3::Ipv6Address icmp_source, std::uint8_t icmp_ttl, std::uint8_t icmp_type,
                     std::uint8_t icmp_code, std::uint32_t icmp_info,
                     ns3::Ipv6Address payload_source, ns3::Ipv6Address payload_destination,
                     const std::uint8_t payload[8]) override {
        m_inner->ReceiveIcmp(icmp_source, icmp_ttl, icmp_type, icmp_code, icmp_info, payload_source,
                             payload_destination, payload);
    }
    void SetDownTarget(DownTargetCallback cb) override { m_inner->SetDownTarget(cb); }
    void SetDownTarget6(DownTargetCallback6 cb) override { m_inner->SetDownTarget6(cb); }
    DownTargetCallback GetDownTarget() const override { return m_inner->GetDownTarget(); }
    DownTargetCallback6 GetDownTarget6() const override { return m_inner->GetDownTarget6(); }

    // Puts a new Front (a subclass) in front of the node's `Inner`, once; a node without
    // an IPv4 stack is left alone.
    template <class Front> static void InstallOn(ns3::Ptr<ns3::Node> node) {
        ns3::Ptr<Inner> inner = node->GetObject<Inner>();
        ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
        if (!inner || !ipv4 || node->GetObject<Front>())
            return;
        ns3::Ptr<Front> front = ns3::CreateObject<Front>();
        front->m_inner = inner;
        node->AggregateObject(front);
        ipv4->Insert(front); // in place of ns-3's protocol for its number
    }

  protected:
    void DoDispose() override {
        m_inner = nullptr;
        ns3::IpL4Protocol::DoDispose();
    }

    ns3::Ptr<Inner> m_inner;
};

} // namespace cmslab::devices::net::detail
