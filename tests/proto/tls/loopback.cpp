#include "loopback.h"

#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls_test_support.h"

namespace cmslab::testutil {

namespace {

int MillisUntil(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    return left < 0 ? 0 : static_cast<int>(left);
}

sockaddr_in Loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

bool SendAll(int fd, const Bytes& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

int ListenLoopback(std::uint16_t& port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in a = Loopback(0);
    socklen_t len = sizeof(a);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        close(fd);
        return -1;
    }
    port = ntohs(a.sin_port);
    return fd;
}

int AcceptBefore(int listen_fd, Deadline deadline) {
    pollfd p{listen_fd, POLLIN, 0};
    if (poll(&p, 1, MillisUntil(deadline)) <= 0)
        return -1;
    return accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
}

int ConnectLoopback(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in a = Loopback(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

SocketPumpResult PumpSocket(tls::TlsEndpoint& endpoint, int fd, Deadline deadline,
                            const std::function<bool(const SocketPumpResult&)>& done,
                            ChildProcess* child) {
    SocketPumpResult r;
    bool child_open = child != nullptr && child->OutputFd() >= 0;
    while (true) {
        if (endpoint.HasOutput() && !SendAll(fd, endpoint.TakeOutput()))
            r.peer_closed = true;
        if (done(r) || r.peer_closed)
            return r;
        const int wait = MillisUntil(deadline);
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
