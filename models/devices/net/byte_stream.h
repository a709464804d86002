// A reliable, ordered byte stream between two endpoints: what HTTP and WebSocket run on,
// whether it is plain TCP (TcpStream) or TLS over TCP (TlsStream).
//
// Rules every implementation keeps, so that owners stay simple:
// - Handlers run from simulator events, never from inside the call that set them or
//   from a constructor or factory. Bytes that arrive while no data handler is set are
//   held and handed over once one is set.
// - Destroying the stream object from inside one of its own handlers is allowed.
// - After the stream object is destroyed none of its handlers runs again.
// - Send() never fails: bytes are queued and written as the transport accepts them.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <cstdint>
#include <functional>
#include <string>

namespace cmslab::devices::net {

enum class CloseReason {
    Normal,        // the peer closed its side (TCP FIN; TLS close_notify then FIN)
    Reset,         // the peer reset an established connection (TCP RST), or it died
    Refused,       // the connection attempt was answered with a RST
    Timeout,       // no SYN-ACK within the connect timeout (a firewall dropping the SYN)
    Unreachable,   // no route to the destination: the attempt never left the node
    TlsFailed,     // the TLS layer failed: alert sent or received, verification, bad records
    ProtocolError, // the layer above (HTTP, WebSocket) gave up on the peer's bytes
    Local,         // this side closed or aborted it (reported by layers built on a stream)
};

// "normal", "reset", "refused", "timeout", "unreachable", "tls failed", "protocol error",
// "local"
const char* ToString(CloseReason reason);

struct CloseInfo {
    CloseReason reason = CloseReason::Normal;
    std::string detail; // what the layer that gave up says, for logs; may be empty

    std::string ToString() const; // "refused" or "tls failed: fatal bad_certificate (42)"
};

class ByteStream {
  public:
    using DataHandler = std::function<void(const Bytes& data)>;
    using ClosedHandler = std::function<void(const CloseInfo& info)>;

    virtual ~ByteStream() = default;

    // Bytes from the peer, in order, in pieces of any size.
    virtual void SetOnData(DataHandler handler) = 0;
    // Once, when the connection ends for a reason other than this side's own Close() or
    // Abort(): the peer closed it, reset it, or it could not be set up. Bytes received
    // before the end are delivered first.
    virtual void SetOnClosed(ClosedHandler handler) = 0;

    // Queues bytes for the peer. Ignored once the stream is closed or aborted.
    virtual void Send(ByteView data) = 0;
    // Graceful close: the queued bytes go out first, then the end of the stream (FIN).
    // Bytes from the peer are still delivered until it closes too.
    virtual void Close() = 0;
    // Drops the queue and resets the connection (TCP RST). No handler runs afterwards.
    virtual void Abort() = 0;

    // Established and not closed by either side yet.
    virtual bool IsOpen() const = 0;
    virtual Endpoint LocalEndpoint() const = 0;
    virtual Endpoint PeerEndpoint() const = 0;
    // Bytes given to Send() and not yet handed to the transport.
    virtual std::size_t Queued() const = 0;
};

} // namespace cmslab::devices::net
