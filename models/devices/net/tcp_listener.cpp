#include "tcp_listener.h"

#include "ns3_endpoint.h"
#include "sim_lifetime.h"

#include "ns3/node.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"

namespace cmslab::devices::net {

struct TcpListener::Impl {
    ns3::Ptr<ns3::Socket> socket;
    std::uint64_t simulation = 0;
    Endpoint local;
    AcceptHandler handler;
    std::uint64_t accepted = 0;
    // Guards the accept callback against a listener destroyed from inside its handler.
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

TcpListener::TcpListener(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

TcpListener::~TcpListener() {
    *m_impl->alive = false;
    if (m_impl->socket && detail::SimulationAlive(m_impl->simulation)) {
        m_impl->socket->SetAcceptCallback(
            ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
            ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
        m_impl->socket->Close();
    }
}

Expected<std::unique_ptr<TcpListener>>
TcpListener::Listen(ns3::Ptr<ns3::Node> node, const Endpoint& local, AcceptHandler handler) {
    auto impl = std::make_unique<Impl>();
    impl->simulation = detail::CurrentSimulation();
    impl->handler = std::move(handler);
    impl->socket = ns3::Socket::CreateSocket(node, ns3::TcpSocketFactory::GetTypeId());
    if (impl->socket->Bind(detail::ToNs3Address(local)) != 0) {
        impl->socket->Close();
        return Error{"cannot listen on " + local.ToString() + ": address and port in use"};
    }
    if (impl->socket->Listen() != 0) {
        impl->socket->Close();
        return Error{"cannot listen on " + local.ToString()};
    }
    ns3::Address bound;
    impl->local = impl->socket->GetSockName(bound) == 0 ? detail::FromNs3Address(bound) : local;
    Impl* raw = impl.get();
    std::weak_ptr<bool> alive = impl->alive;
    impl->socket->SetAcceptCallback(
        [](ns3::Ptr<ns3::Socket>, const ns3::Address&) { return true; },
        [raw, alive](ns3::Ptr<ns3::Socket> socket, const ns3::Address&) {
            auto guard = alive.lock();
            if (!guard || !*guard)
                return;
            std::unique_ptr<TcpStream> stream = TcpStream::Adopt(socket);
            ++raw->accepted;
            if (raw->handler) {
                AcceptHandler handler = raw->handler; // the listener may go inside
                handler(std::move(stream));
            }
        });
    return std::unique_ptr<TcpListener>(new TcpListener(std::move(impl)));
}

Endpoint TcpListener::LocalEndpoint() const {
    return m_impl->local;
}

std::uint64_t TcpListener::Accepted() const {
    return m_impl->accepted;
}

Endpoint AnyAddress(std::uint16_t port) {
    return Endpoint{IpAddress::V4(0), port};
}

} // namespace cmslab::devices::net
