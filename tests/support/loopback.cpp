#include "support/loopback.h"

#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cmslab::testkit {

namespace {

sockaddr_in Loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

} // namespace

int MillisUntil(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    return left < 0 ? 0 : static_cast<int>(left);
}

int BindLoopback(int type, std::uint16_t port, std::uint16_t& bound_port) {
    const int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (type == SOCK_STREAM) {
        // A listener may reuse a port whose old connections linger in TIME_WAIT. Not for
        // UDP, where the option would let two sockets share a port.
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    sockaddr_in a = Loopback(port);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        close(fd);
        return -1;
    }
    bound_port = ntohs(a.sin_port);
    return fd;
}

std::uint16_t FreeLoopbackPort() {
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::uint16_t port = 0, same = 0;
        const int udp = BindLoopback(SOCK_DGRAM, 0, port);
        if (udp < 0)
            continue;
        const int tcp = BindLoopback(SOCK_STREAM, port, same);
        close(udp);
        if (tcp >= 0) {
            close(tcp);
            return port;
        }
    }
    return 0;
}

int ListenLoopback(std::uint16_t& port) {
    const int fd = BindLoopback(SOCK_STREAM, 0, port);
    if (fd >= 0 && listen(fd, 8) != 0) {
        close(fd);
        return -1;
    }
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
    const sockaddr_in a = Loopback(port);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool SendAll(int fd, ByteView data, Deadline deadline) {
    std::size_t done = 0;
    while (done < data.size) {
        pollfd p{fd, POLLOUT, 0};
        const int wait = MillisUntil(deadline);
        if (wait == 0 || poll(&p, 1, wait) <= 0)
            return false;
        // Non-blocking: a blocking send of more than the buffer holds could outlive the
        // deadline.
        const ssize_t n = send(fd, data.data + done, data.size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace cmslab::testkit
