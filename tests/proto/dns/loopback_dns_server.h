// Test-only: an AuthoritativeServer on real loopback sockets (UDP and TCP on the same
// free port), served by a thread with poll() and a hard deadline, so real clients such as
// dig can query it. Records every query it receives.
#pragma once

#include "common/bytes.h"
#include "dns/authoritative_server.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cmslab::dns::test {

struct ReceivedQuery {
    Transport transport;
    Bytes bytes;
};

class LoopbackDnsServer {
  public:
    // Serves until destroyed, or at most `lifetime`, whichever comes first.
    explicit LoopbackDnsServer(const AuthoritativeServer& server,
                               std::chrono::seconds lifetime = std::chrono::seconds(60));
    ~LoopbackDnsServer();
    LoopbackDnsServer(const LoopbackDnsServer&) = delete;
    LoopbackDnsServer& operator=(const LoopbackDnsServer&) = delete;

    bool Ok() const { return m_error.empty(); }
    const std::string& Error() const { return m_error; }
    std::uint16_t Port() const { return m_port; }
    std::vector<ReceivedQuery> Queries() const;

  private:
    void Serve(std::chrono::steady_clock::time_point deadline);

    const AuthoritativeServer& m_server;
    int m_udp = -1;
    int m_tcp = -1;
    std::uint16_t m_port = 0;
    std::string m_error;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::vector<ReceivedQuery> m_queries;
    std::thread m_thread;
};

} // namespace cmslab::dns::test
