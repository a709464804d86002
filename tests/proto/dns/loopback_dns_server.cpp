#include "loopback_dns_server.h"

#include "dns/tcp_framing.h"
#include "support/loopback.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace cmslab::dns::test {

LoopbackDnsServer::LoopbackDnsServer(const AuthoritativeServer& server,
                                     std::chrono::seconds lifetime)
    : m_server(server) {
    // The kernel picks a free UDP port; TCP must get the same one, which another test may
    // hold: try a few times.
    for (int attempt = 0; attempt < 20 && m_tcp < 0; ++attempt) {
        if (m_udp >= 0)
            close(m_udp);
        m_udp = testkit::BindLoopback(SOCK_DGRAM, 0, m_port);
        if (m_udp < 0)
            break;
        std::uint16_t tcp_port = 0;
        m_tcp = testkit::BindLoopback(SOCK_STREAM, m_port, tcp_port);
        if (m_tcp >= 0 && listen(m_tcp, 8) != 0) {
            close(m_tcp);
            m_tcp = -1;
        }
    }
    if (m_udp < 0 || m_tcp < 0) {
        m_error = std::string("cannot bind UDP and TCP on one loopback port: ") + strerror(errno);
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + lifetime;
    m_thread = std::thread([this, deadline] { Serve(deadline); });
}

LoopbackDnsServer::~LoopbackDnsServer() {
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_udp >= 0)
        close(m_udp);
    if (m_tcp >= 0)
        close(m_tcp);
}

std::vector<ReceivedQuery> LoopbackDnsServer::Queries() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_queries;
}

void LoopbackDnsServer::Serve(std::chrono::steady_clock::time_point deadline) {
    std::map<int, TcpStreamAccumulator> connections;
    while (!m_stop && std::chrono::steady_clock::now() < deadline) {
        std::vector<pollfd> fds{{m_udp, POLLIN, 0}, {m_tcp, POLLIN, 0}};
        for (const auto& [fd, acc] : connections)
            fds.push_back({fd, POLLIN, 0});
        if (poll(fds.data(), fds.size(), 50) <= 0)
            continue;
        if (fds[0].revents & POLLIN) {
            std::uint8_t buf[65536];
            sockaddr_in from{};
            socklen_t len = sizeof from;
            const ssize_t n =
                recvfrom(m_udp, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
            if (n >= 0) {
                Bytes query(buf, buf + n);
                {
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_queries.push_back({Transport::Udp, query});
                }
                const Bytes response = m_server.Handle(query, Transport::Udp);
                if (!response.empty())
                    sendto(m_udp, response.data(), response.size(), 0,
                           reinterpret_cast<sockaddr*>(&from), len);
            }
        }
        if (fds[1].revents & POLLIN) {
            const int fd = accept4(m_tcp, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0)
                connections[fd];
        }
        for (std::size_t i = 2; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const int fd = fds[i].fd;
            std::uint8_t buf[4096];
            const ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                close(fd);
                connections.erase(fd);
                continue;
            }
            auto& acc = connections[fd];
            acc.Push(ByteView(buf, static_cast<std::size_t>(n)));
            while (auto query = acc.Next()) {
                {
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_queries.push_back({Transport::Tcp, *query});
                }
                const Bytes response = m_server.Handle(*query, Transport::Tcp);
                if (response.empty())
                    continue;
                const Bytes framed = *FrameTcp(response);
                // Loopback takes a DNS message in one write; a short write fails the test.
                if (send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) !=
                    static_cast<ssize_t>(framed.size()))
                    break;
            }
        }
    }
    for (const auto& [fd, acc] : connections)
        close(fd);
}

} // namespace cmslab::dns::test
