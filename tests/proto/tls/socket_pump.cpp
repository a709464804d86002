#include "socket_pump.h"

#include <algorithm>
#include <cerrno>

#include <poll.h>
#include <sys/socket.h>

#include "tls_test_support.h"

namespace cmslab::testutil {

SocketPumpResult PumpSocket(tls::TlsEndpoint& endpoint, int fd, testkit::Deadline deadline,
                            const std::function<bool(const SocketPumpResult&)>& done,
                            testkit::BackgroundProcess* child) {
    SocketPumpResult r;
    bool child_open = child != nullptr && child->OutputFd() >= 0;
    while (true) {
        if (endpoint.HasOutput() && !testkit::SendAll(fd, endpoint.TakeOutput(), deadline))
            r.peer_closed = true;
        if (done(r) || r.peer_closed)
            return r;
        const int wait = testkit::MillisUntil(deadline);
        if (wait == 0) {
            r.timed_out = true;
            return r;
        }
        pollfd p[2] = {{fd, POLLIN, 0}, {child_open ? child->OutputFd() : -1, POLLIN, 0}};
        if (poll(p, 2, std::min(wait, 100)) < 0 && errno != EINTR)
            return r;
        if (p[1].revents != 0)
            child_open = child->ReadSome(std::chrono::milliseconds(0));
        if (p[0].revents != 0) {
            std::uint8_t buf[16384];
            const ssize_t n = recv(fd, buf, sizeof(buf), 0);
            if (n <= 0) {
                r.peer_closed = true;
                continue; // one more look at `done` and at what is left to send
            }
            Append(r.received, endpoint.Feed(ByteView(buf, static_cast<std::size_t>(n))));
        }
    }
}

} // namespace cmslab::testutil
