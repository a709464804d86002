// Real TCP sockets on 127.0.0.1 for the interop tests: a TLS endpoint pumped over a
// socket (poll with a deadline), optionally while a child program's output is collected.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "subprocess.h"
#include "tls/tls_endpoint.h"

namespace cmslab::testutil {

using Deadline = std::chrono::steady_clock::time_point;

// A listening socket on 127.0.0.1 and an ephemeral port; -1 on failure.
int ListenLoopback(std::uint16_t& port);
// Accepts one connection before the deadline; -1 on timeout.
int AcceptBefore(int listen_fd, Deadline deadline);
// Connects to 127.0.0.1:port; -1 on failure.
int ConnectLoopback(std::uint16_t port);

struct SocketPumpResult {
    tls::FeedResult received; // everything the endpoint reported
    bool peer_closed = false; // the TCP connection was closed by the other side
    bool timed_out = false;
};

// Moves bytes between `endpoint` and `fd` until `done` says so, the peer closes the
// connection, or the deadline passes. `child`'s output (if any) is read meanwhile so it
// never blocks on a full pipe.
SocketPumpResult PumpSocket(tls::TlsEndpoint& endpoint, int fd, Deadline deadline,
                            const std::function<bool(const SocketPumpResult&)>& done,
                            ChildProcess* child = nullptr);

} // namespace cmslab::testutil
