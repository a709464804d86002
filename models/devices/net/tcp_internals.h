// ns-3 keeps parts of a TCP socket protected that the lab needs from outside: the reset
// and the teardown (ns-3 offers applications no abortive close, and it ignores a RST+ACK
// answering its SYN) and the socket's IPv4 endpoint (the connection index checks that it
// still stands). A member pointer taken inside a derived class can be applied to any
// TcpSocketBase, so this class is never instantiated.
#pragma once

#include "ns3/tcp-socket-base.h"

namespace cmslab::devices::net::detail {

class TcpInternals : public ns3::TcpSocketBase {
  public:
    static void SendReset(ns3::TcpSocketBase& socket) { (socket.*(&TcpInternals::SendRST))(); }
    // CLOSED without sending anything; the retransmission timer stops.
    static void Teardown(ns3::TcpSocketBase& socket) {
        (socket.*(&TcpInternals::CloseAndNotify))();
    }
    // nullptr once ns-3 has released it (the connection closed, reset or timed out).
    static ns3::Ipv4EndPoint* EndPoint(const ns3::TcpSocketBase& socket) {
        return socket.*(&TcpInternals::m_endPoint);
    }
};

} // namespace cmslab::devices::net::detail
