// ns-3's UDP finds the socket of an arriving datagram by walking every endpoint of the
// node, a linked list, for every datagram. A crowd's Expressway-E holds two relay ports
// per guest and the CMS two ports per guest, so with a thousand guests that walk was
// 30 % of a run and grew with the square of the crowd. The index puts itself in front
// of the node's ns-3 UDP (as the IPv4 stack's protocol 17) and finds the lab's UdpPorts
// in a hash map; every other datagram (ns-3 sockets of the DNS boxes, closed ports,
// whose ICMP port unreachable ns-3 sends) goes on to ns-3's UDP unchanged.
//
// What a port receives is what ns-3's socket would have handed it, in the same event:
// the checksum is verified the same way (a bad one drops the datagram), and the most
// specific binding wins as in ns-3 (the port bound to the datagram's address before the
// one bound to 0.0.0.0). ns-3's own endpoints stay, for sending and for ICMP. A lab port
// bound to 0.0.0.0 cannot lose a datagram that ns-3 would have given to another socket:
// ns-3 refuses a second binding of 0.0.0.0 and the port, and the lab's other sockets
// (the DNS resolver's ephemeral ones, the DNS server's 0.0.0.0:53) bind no port a lab
// port has.
//
// The index also stands on the sending side: a checksum that computes to zero, which
// ns-3's UDP writes as 0 ("no checksum" on the wire), leaves the node as 0xFFFF, as RFC
// 768 and Linux send it.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include "ns3/ptr.h"

#include <cstdint>

namespace ns3 {
class Node;
} // namespace ns3

namespace cmslab::devices::net {

// Puts the index in front of the UDP of `node`, which has its IPv4 stack. Ports bound
// afterwards with UdpPort::Bind are found through it; a node without it works as
// before, through ns-3's walk.
void InstallUdpPortIndex(ns3::Ptr<ns3::Node> node);

// How many datagrams the node's index handed to a port (0 without an index).
std::uint64_t IndexedDatagrams(ns3::Ptr<ns3::Node> node);

namespace detail {

// What a port is to the index. The port leaves the index before it goes.
class IndexedUdpSink {
  public:
    virtual void DeliverIndexed(const Endpoint& from, const Endpoint& to, Bytes data) = 0;

  protected:
    ~IndexedUdpSink() = default;
};

// False when the node has no index (the port then receives through its ns-3 socket).
bool IndexUdpPort(ns3::Ptr<ns3::Node> node, const Endpoint& local, IndexedUdpSink* sink);
void UnindexUdpPort(ns3::Ptr<ns3::Node> node, const Endpoint& local);

} // namespace detail

} // namespace cmslab::devices::net
