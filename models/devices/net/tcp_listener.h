// A listening TCP socket of a node: every accepted connection is handed to the owner as
// a TcpStream that is already open.
#pragma once

#include "common/expected.h"
#include "tcp_stream.h"

#include "ns3/ptr.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace ns3 {
class Node;
} // namespace ns3

namespace cmslab::devices::net {

class TcpListener {
  public:
    // The handler owns the stream from then on; dropping it closes the connection.
    using AcceptHandler = std::function<void(std::unique_ptr<TcpStream> stream)>;

    // Listens on `local`: a given address of the node, or 0.0.0.0 for every address.
    // Fails when the address and port are taken.
    static Expected<std::unique_ptr<TcpListener>>
    Listen(ns3::Ptr<ns3::Node> node, const Endpoint& local, AcceptHandler handler);
    // Stops listening; connections already accepted live on with their owners.
    ~TcpListener();
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;

    Endpoint LocalEndpoint() const;
    std::uint64_t Accepted() const;

  private:
    struct Impl;
    explicit TcpListener(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Endpoint{0.0.0.0, port}: every address of the node.
Endpoint AnyAddress(std::uint16_t port);

} // namespace cmslab::devices::net
