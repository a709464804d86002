// A TLS endpoint pumped over a real loopback TCP socket (poll with a deadline), optionally
// while a child program's output is collected.
#pragma once

#include <functional>

#include "support/loopback.h"
#include "support/process.h"
#include "tls/tls_endpoint.h"

namespace cmslab::testutil {

struct SocketPumpResult {
    tls::FeedResult received; // everything the endpoint reported
    bool peer_closed = false; // the TCP connection was closed by the other side
    bool timed_out = false;
};

// Moves bytes between `endpoint` and `fd` until `done` says so, the peer closes the
// connection, or the deadline passes. `child`'s output (if any) is read meanwhile so it
// never blocks on a full pipe.
SocketPumpResult PumpSocket(tls::TlsEndpoint& endpoint, int fd, testkit::Deadline deadline,
                            const std::function<bool(const SocketPumpResult&)>& done,
                            testkit::BackgroundProcess* child = nullptr);

} // namespace cmslab::testutil
