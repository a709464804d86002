// ns-3's TCP, like its UDP, finds the socket of every arriving segment by walking all
// the node's endpoints (a linked list). A crowd's Expressway-E and CMS hold a connection
// or two per guest (HTTPS, the WebSocket), so with a thousand guests that walk was a
// fifth of a run. The index stands in front of the node's ns-3 TCP (as the IPv4 stack's
// protocol 6) and finds the lab's open connections, which TcpStream registers, by their
// four addresses and ports in a hash map.
//
// A segment found there goes to the connection's own ns-3 endpoint, as ns-3's demux
// would have sent it (the exact four-tuple match is the one ns-3 prefers, and it admits
// only one), in the same event and after the same checksum check. The index checks that
// the endpoint still stands and still has those four values (ns-3 releases it when the
// connection closes, resets or times out, without telling the stream), and otherwise
// hands the segment to ns-3's TCP, as it does every other segment: SYNs for listeners,
// connections not yet open or already given up by their stream, the DNS boxes' ns-3
// sockets, segments for nobody, which ns-3 answers with a RST.
#pragma once

#include "ns3/ptr.h"

#include <cstdint>

namespace ns3 {
class Node;
class Socket;
} // namespace ns3

namespace cmslab::devices::net {

// Puts the index in front of the TCP of `node`, which has its IPv4 stack. A node without
// it works as before, through ns-3's walk.
void InstallTcpConnectionIndex(ns3::Ptr<ns3::Node> node);

// How many segments the node's index handed to a connection (0 without an index).
std::uint64_t IndexedSegments(ns3::Ptr<ns3::Node> node);

namespace detail {

// An open connection's socket, found by its endpoint's four values from then on. False
// when the node has no index or the socket no IPv4 endpoint with a peer.
bool IndexTcpConnection(ns3::Ptr<ns3::Socket> socket);
// Before the owner lets the socket go.
void UnindexTcpConnection(ns3::Ptr<ns3::Socket> socket);

} // namespace detail

} // namespace cmslab::devices::net
