// Real sockets on 127.0.0.1 for interop tests: ephemeral ports only (tests run in
// parallel), every wait bounded by a deadline.
#pragma once

#include "common/bytes.h"

#include <chrono>
#include <cstdint>

namespace cmslab::testkit {

using Deadline = std::chrono::steady_clock::time_point;

inline Deadline In(std::chrono::milliseconds d) {
    return std::chrono::steady_clock::now() + d;
}
// Milliseconds left until `deadline`, 0 when it has passed (for poll()).
int MillisUntil(Deadline deadline);

// A socket of `type` (SOCK_DGRAM, SOCK_STREAM) bound to 127.0.0.1:port (0: the kernel
// picks); `bound_port` gets the port. -1 on failure.
int BindLoopback(int type, std::uint16_t port, std::uint16_t& bound_port);
// A port free on 127.0.0.1 for both UDP and TCP right now (0 when none was found), for a
// program that must be told its port; another test may still take it before it binds.
std::uint16_t FreeLoopbackPort();

// A listening TCP socket on 127.0.0.1 and an ephemeral port; -1 on failure.
int ListenLoopback(std::uint16_t& port);
// Accepts one connection before the deadline; -1 on timeout.
int AcceptBefore(int listen_fd, Deadline deadline);
// Connects to 127.0.0.1:port over TCP; -1 on failure.
int ConnectLoopback(std::uint16_t port);
// Writes all of `data` before the deadline (no SIGPIPE); false when the peer is gone or
// the deadline passed first.
bool SendAll(int fd, ByteView data, Deadline deadline);

} // namespace cmslab::testkit
