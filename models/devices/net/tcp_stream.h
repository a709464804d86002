// One TCP connection of a node, over an ns-3 TCP socket: opened actively with Connect()
// or handed out by a TcpListener. A thin adapter: it moves bytes between the socket and
// its owner, keeps what the socket cannot take yet in its own queue (ns-3's Send is
// all-or-nothing), and turns ns-3's callbacks into one OnClosed with a reason.
//
// Lifetime: the owner holds the stream. Destroying it closes the connection gracefully
// (queued bytes still go out, then FIN) without running any handler again; Abort()
// resets it instead. See ByteStream for the rules on handlers.
#pragma once

#include "byte_stream.h"
#include "common/time.h"

#include "ns3/ptr.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace ns3 {
class Node;
class Socket;
} // namespace ns3

namespace cmslab::devices::net {

struct TcpConnectOptions {
    // Connect from this address of the node (a box with several NICs choosing one);
    // unset: the address of the interface the route leaves by.
    std::optional<IpAddress> local_address;
    std::uint16_t local_port = 0; // 0: an ephemeral port
    // Without a SYN-ACK by then the attempt ends with CloseReason::Timeout.
    Duration connect_timeout = std::chrono::seconds(20);
    // The first SYN retransmission; each later one waits twice as long (1 s, 2 s, 4 s...).
    Duration syn_retransmit = std::chrono::seconds(1);
};

class TcpStream : public ByteStream {
  public:
    enum class State {
        Connecting,
        Open,
        Closing, // this side asked to close: the queue drains, then FIN
        Closed,  // over: closed by the peer, reset, refused, timed out, or aborted
    };

    // Starts connecting from `node` to `to`; the outcome comes as OnConnected or
    // OnClosed (Refused, Timeout, Unreachable). Bytes sent before the connection is up
    // are queued and go out once it is.
    static std::unique_ptr<TcpStream> Connect(ns3::Ptr<ns3::Node> node, const Endpoint& to,
                                              const TcpConnectOptions& options = {});
    // Wraps a socket ns-3 accepted (TcpListener does this); the stream is Open.
    static std::unique_ptr<TcpStream> Adopt(ns3::Ptr<ns3::Socket> socket);

    ~TcpStream() override;
    TcpStream(const TcpStream&) = delete;
    TcpStream& operator=(const TcpStream&) = delete;

    // Once, when the three-way handshake completed (active connections only).
    void SetOnConnected(std::function<void()> handler);

    void SetOnData(DataHandler handler) override;
    void SetOnClosed(ClosedHandler handler) override;
    void Send(ByteView data) override;
    void Close() override;
    void Abort() override;

    bool IsOpen() const override;
    Endpoint LocalEndpoint() const override;
    Endpoint PeerEndpoint() const override;
    std::size_t Queued() const override;

    State GetState() const;
    std::uint64_t BytesSent() const;     // handed to TCP
    std::uint64_t BytesReceived() const; // delivered to the data handler

    struct Impl;

  private:
    explicit TcpStream(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> m_impl;
};

} // namespace cmslab::devices::net
