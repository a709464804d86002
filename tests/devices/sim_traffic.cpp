#include "sim_traffic.h"

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <sstream>

namespace cmslab::network::test {

namespace {

std::string PeerText(const ns3::Address& address) {
    std::ostringstream os;
    if (ns3::InetSocketAddress::IsMatchingType(address)) {
        const auto inet = ns3::InetSocketAddress::ConvertFrom(address);
        os << inet.GetIpv4() << ":" << inet.GetPort();
    }
    return os.str();
}

std::vector<std::uint8_t> Payload(std::size_t size) {
    std::vector<std::uint8_t> data(size);
    for (std::size_t i = 0; i < size; ++i)
        data[i] = static_cast<std::uint8_t>('a' + i % 26);
    return data;
}

void DrainAndEcho(ns3::Ptr<ns3::Socket> socket, const std::shared_ptr<Seen>& seen) {
    while (ns3::Ptr<ns3::Packet> p = socket->Recv()) {
        if (p->GetSize() == 0)
            break; // ns-3 hands out an empty packet for end of stream
        seen->bytes += p->GetSize();
        if (socket->GetTxAvailable() >= p->GetSize())
            socket->Send(p);
    }
}

} // namespace

std::shared_ptr<Seen> UdpEchoServer(ns3::Ptr<ns3::Node> node, std::uint16_t port) {
    auto seen = std::make_shared<Seen>();
    ns3::Ptr<ns3::Socket> socket =
        ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
    socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
    socket->SetRecvCallback([seen](ns3::Ptr<ns3::Socket> s) {
        ns3::Address from;
        while (ns3::Ptr<ns3::Packet> p = s->RecvFrom(from)) {
            seen->bytes += p->GetSize();
            seen->peers.push_back(PeerText(from));
            s->SendTo(p, 0, from);
        }
    });
    return seen;
}

std::shared_ptr<Seen> TcpEchoServer(ns3::Ptr<ns3::Node> node, std::uint16_t port) {
    auto seen = std::make_shared<Seen>();
    ns3::Ptr<ns3::Socket> socket =
        ns3::Socket::CreateSocket(node, ns3::TcpSocketFactory::GetTypeId());
    socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
    socket->Listen();
    socket->SetAcceptCallback(
        ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
        [seen](ns3::Ptr<ns3::Socket> s, const ns3::Address& from) {
            seen->peers.push_back(PeerText(from));
            s->SetRecvCallback([seen](ns3::Ptr<ns3::Socket> c) { DrainAndEcho(c, seen); });
        });
    return seen;
}

std::shared_ptr<Seen> UdpSend(ns3::Ptr<ns3::Node> node, const std::string& dst, std::uint16_t port,
                              double at_s, std::size_t size) {
    auto seen = std::make_shared<Seen>();
    ns3::Ptr<ns3::Socket> socket =
        ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
    socket->Bind();
    socket->SetRecvCallback([seen](ns3::Ptr<ns3::Socket> s) {
        ns3::Address from;
        while (ns3::Ptr<ns3::Packet> p = s->RecvFrom(from)) {
            seen->bytes += p->GetSize();
            seen->peers.push_back(PeerText(from));
        }
    });
    const ns3::InetSocketAddress to(ns3::Ipv4Address(dst.c_str()), port);
    ns3::Simulator::Schedule(ns3::Seconds(at_s), [socket, to, size] {
        const auto data = Payload(size);
        socket->SendTo(data.data(), static_cast<std::uint32_t>(data.size()), 0, to);
    });
    return seen;
}

std::shared_ptr<Seen> TcpConnect(ns3::Ptr<ns3::Node> node, const std::string& dst,
                                 std::uint16_t port, double at_s, std::size_t size) {
    auto seen = std::make_shared<Seen>();
    ns3::Ptr<ns3::Socket> socket =
        ns3::Socket::CreateSocket(node, ns3::TcpSocketFactory::GetTypeId());
    socket->SetConnectCallback(
        [seen, size](ns3::Ptr<ns3::Socket> s) {
            seen->connected = true;
            ns3::Address peer;
            s->GetPeerName(peer);
            seen->peers.push_back(PeerText(peer));
            const auto data = Payload(size);
            s->Send(data.data(), static_cast<std::uint32_t>(data.size()), 0);
        },
        [seen](ns3::Ptr<ns3::Socket>) { seen->failed = true; });
    socket->SetRecvCallback([seen](ns3::Ptr<ns3::Socket> s) {
        while (ns3::Ptr<ns3::Packet> p = s->Recv()) {
            if (p->GetSize() == 0)
                break; // end of stream
            seen->bytes += p->GetSize();
        }
    });
    const ns3::InetSocketAddress to(ns3::Ipv4Address(dst.c_str()), port);
    ns3::Simulator::Schedule(ns3::Seconds(at_s), [socket, to] {
        socket->Bind();
        socket->Connect(to);
    });
    return seen;
}

} // namespace cmslab::network::test
