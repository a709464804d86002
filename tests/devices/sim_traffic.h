// Test-only traffic on the simulated network: echo servers and one-shot clients on ns-3
// UDP and TCP sockets, each recording what it saw.
#pragma once

#include "ns3/ptr.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ns3 {
class Node;
}

namespace cmslab::network::test {

struct Seen {
    bool connected = false;         // TCP client: the handshake completed
    bool failed = false;            // TCP client: the connection attempt gave up
    std::vector<std::string> peers; // "a.b.c.d:port": each datagram's / connection's peer
    std::size_t bytes = 0;          // bytes received
};

// Echo back whatever arrives on `port` (every address of the node).
std::shared_ptr<Seen> UdpEchoServer(ns3::Ptr<ns3::Node> node, std::uint16_t port);
std::shared_ptr<Seen> TcpEchoServer(ns3::Ptr<ns3::Node> node, std::uint16_t port);

// At `at_s` seconds, send `size` bytes to dst:port and record the replies.
std::shared_ptr<Seen> UdpSend(ns3::Ptr<ns3::Node> node, const std::string& dst, std::uint16_t port,
                              double at_s, std::size_t size = 100);
std::shared_ptr<Seen> TcpConnect(ns3::Ptr<ns3::Node> node, const std::string& dst,
                                 std::uint16_t port, double at_s, std::size_t size = 200);

} // namespace cmslab::network::test
