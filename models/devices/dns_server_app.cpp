#include "dns_server_app.h"

#include "log_lines/dns_lines.h"
#include "ns3_convert.h"

#include "ns3/packet.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"

#include <vector>

namespace cmslab::devices {

NS_OBJECT_ENSURE_REGISTERED(DnsServerApp);

namespace {

std::string PeerText(const ns3::Address& from) {
    if (!ns3::InetSocketAddress::IsMatchingType(from))
        return "?";
    const auto inet = ns3::InetSocketAddress::ConvertFrom(from);
    // BIND writes client address#port.
    return FromNs3(inet.GetIpv4()).ToString() + "#" + std::to_string(inet.GetPort());
}

} // namespace

ns3::TypeId DnsServerApp::GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId("cmslab::devices::DnsServerApp")
                                 .SetParent<ns3::Application>()
                                 .SetGroupName("Applications")
                                 .AddConstructor<DnsServerApp>();
    return tid;
}

void DnsServerApp::Configure(std::shared_ptr<const dns::AuthoritativeServer> server, BoxLog* log,
                             std::uint16_t port) {
    m_server = std::move(server);
    m_log = log;
    m_port = port;
}

void DnsServerApp::StartApplication() {
    if (!m_server)
        return;
    m_udp = ns3::Socket::CreateSocket(GetNode(), ns3::UdpSocketFactory::GetTypeId());
    m_udp->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), m_port));
    m_udp->SetRecvCallback([this](ns3::Ptr<ns3::Socket> s) { ReceiveUdp(s); });

    m_tcp = ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
    m_tcp->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), m_port));
    m_tcp->Listen();
    m_tcp->SetAcceptCallback(
        ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
        [this](ns3::Ptr<ns3::Socket> s, const ns3::Address& from) { Accept(s, from); });
}

void DnsServerApp::StopApplication() {
    for (auto& [socket, connection] : m_connections) {
        socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
        socket->SetSendCallback(
            ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
        socket->Close();
    }
    m_connections.clear();
    if (m_udp) {
        m_udp->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
        m_udp->Close();
        m_udp = nullptr;
    }
    if (m_tcp) {
        m_tcp->SetAcceptCallback(
            ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
            ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
        m_tcp->Close();
        m_tcp = nullptr;
    }
}

void DnsServerApp::DoDispose() {
    StopApplication();
    m_server.reset();
    m_log = nullptr;
    ns3::Application::DoDispose();
}

Bytes DnsServerApp::Answer(ByteView query, const ns3::Address& from, dns::Transport transport) {
    (transport == dns::Transport::Udp ? m_counters.queries_udp : m_counters.queries_tcp)++;
    const dns::ServerReply reply = m_server->HandleDetailed(query, transport);
    std::string line;
    if (reply.response.empty()) {
        ++m_counters.dropped;
        line = "client " + PeerText(from) + ": query dropped (" + reply.detail + ")";
    } else {
        ++m_counters.answered;
        if (reply.rcode == dns::Rcode::NoError)
            ++m_counters.noerror;
        else if (reply.rcode == dns::Rcode::NxDomain)
            ++m_counters.nxdomain;
        else if (reply.rcode == dns::Rcode::Refused)
            ++m_counters.refused;
        else
            ++m_counters.other_rcode;
        if (reply.truncated)
            ++m_counters.truncated;
        log_lines::DnsQueryLine query;
        query.client = PeerText(from);
        query.question = reply.question.empty() ? std::string("(no question)") : reply.question;
        query.transport = dns::ToString(transport);
        query.answer = dns::ToString(reply.rcode);
        if (reply.truncated)
            query.answer += " TC";
        if (!reply.detail.empty())
            query.answer += ": " + reply.detail;
        line = log_lines::DnsQuery::Format(query);
    }
    if (m_log)
        m_log->Write("queries", line);
    return reply.response;
}

void DnsServerApp::ReceiveUdp(ns3::Ptr<ns3::Socket> socket) {
    ns3::Address from;
    while (ns3::Ptr<ns3::Packet> p = socket->RecvFrom(from)) {
        Bytes query(p->GetSize());
        p->CopyData(query.data(), p->GetSize());
        const Bytes response = Answer(query, from, dns::Transport::Udp);
        if (!response.empty())
            socket->SendTo(response.data(), static_cast<std::uint32_t>(response.size()), 0, from);
    }
}

void DnsServerApp::Accept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& /*from*/) {
    ++m_counters.tcp_connections;
    m_connections[socket];
    socket->SetRecvCallback([this](ns3::Ptr<ns3::Socket> s) { ReceiveTcp(s); });
    socket->SetSendCallback([this](ns3::Ptr<ns3::Socket> s, std::uint32_t) { FlushTcp(s); });
    // A peer's close can come with unread bytes still buffered: answer them first.
    socket->SetCloseCallbacks(
        [this](ns3::Ptr<ns3::Socket> s) {
            ReceiveTcp(s);
            CloseTcp(s);
        },
        [this](ns3::Ptr<ns3::Socket> s) { CloseTcp(s); });
}

void DnsServerApp::ReceiveTcp(ns3::Ptr<ns3::Socket> socket) {
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    ns3::Address from;
    socket->GetPeerName(from);
    while (ns3::Ptr<ns3::Packet> p = socket->Recv()) {
        if (p->GetSize() == 0)
            break; // ns-3 hands out an empty packet for end of stream
        Bytes chunk(p->GetSize());
        p->CopyData(chunk.data(), p->GetSize());
        it->second.in.Push(chunk);
    }
    while (auto message = it->second.in.Next()) {
        const Bytes response = Answer(*message, from, dns::Transport::Tcp);
        if (response.empty())
            continue;
        auto framed = dns::FrameTcp(response);
        if (framed)
            it->second.out.insert(it->second.out.end(), framed->begin(), framed->end());
    }
    FlushTcp(socket);
}

void DnsServerApp::FlushTcp(ns3::Ptr<ns3::Socket> socket) {
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    Bytes& out = it->second.out;
    // TCP Send is all or nothing: hand over what the send buffer takes now.
    const std::size_t n = std::min<std::size_t>(out.size(), socket->GetTxAvailable());
    if (n == 0)
        return;
    if (socket->Send(out.data(), static_cast<std::uint32_t>(n), 0) > 0)
        out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
}

void DnsServerApp::CloseTcp(ns3::Ptr<ns3::Socket> socket) {
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
    socket->Close();
    m_connections.erase(it);
}

nlohmann::json DnsServerApp::Status() const {
    nlohmann::json zones = nlohmann::json::array();
    if (m_server) {
        for (const dns::Zone& z : m_server->Zones())
            zones.push_back({{"origin", z.Origin()}, {"records", z.RecordCount()}});
    }
    const DnsServerCounters& c = m_counters;
    return {{"zones", zones},
            {"queries_udp", c.queries_udp},
            {"queries_tcp", c.queries_tcp},
            {"answered", c.answered},
            {"noerror", c.noerror},
            {"nxdomain", c.nxdomain},
            {"refused", c.refused},
            {"other_rcode", c.other_rcode},
            {"dropped", c.dropped},
            {"truncated", c.truncated},
            {"tcp_connections", c.tcp_connections}};
}

} // namespace cmslab::devices
