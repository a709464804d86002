// A bound UDP socket of a node. Binding a given address matters on a box with several
// NICs: a TURN server listens on each NIC's address, its relay ports only on the
// external one, and replies leave from the address the request came to.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/expected.h"

#include "ns3/ptr.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace ns3 {
class Node;
} // namespace ns3

namespace cmslab::devices::net {

class UdpPort {
  public:
    // `to` is the local address and port the datagram was sent to (the port's own
    // address, or for a port bound to 0.0.0.0 the address of the node it arrived at).
    using DatagramHandler =
        std::function<void(const Endpoint& from, const Endpoint& to, const Bytes& data)>;

    // `local`: a given address of the node or 0.0.0.0 for all; port 0 for an ephemeral
    // one. Fails when the address and port are taken.
    static Expected<std::unique_ptr<UdpPort>> Bind(ns3::Ptr<ns3::Node> node, const Endpoint& local);
    ~UdpPort();
    UdpPort(const UdpPort&) = delete;
    UdpPort& operator=(const UdpPort&) = delete;

    // Handlers run from simulator events; destroying the port from one is allowed.
    // Datagrams arriving with no handler set are dropped.
    void SetOnDatagram(DatagramHandler handler);
    // False when the node has no route to `to` or the datagram is too large for UDP.
    bool SendTo(const Endpoint& to, ByteView data);

    // The bound address and port (the ephemeral port chosen, when 0 was asked for).
    Endpoint LocalEndpoint() const;
    std::uint64_t DatagramsSent() const;
    std::uint64_t DatagramsReceived() const;

    struct Impl;

  private:
    explicit UdpPort(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> m_impl;
};

} // namespace cmslab::devices::net
