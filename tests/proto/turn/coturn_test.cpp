// Interop: our TURN client against a real coturn turnserver on loopback, over real UDP
// (and TCP) sockets, driven by the wall clock. Each test starts its own server with its
// own configuration in a temporary folder and kills it at the end.
#include "stun/message.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "turn/client.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

using namespace cmslab;
using namespace cmslab::turn;
using namespace std::chrono_literals;
namespace ce = client_event;

namespace {

const IpAddress kLoopback = IpAddress::V4(127, 0, 0, 1);

sockaddr_in ToSockaddr(const Endpoint& ep) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(ep.port);
    std::memcpy(&sa.sin_addr, ep.address.bytes.data(), 4);
    return sa;
}

Endpoint FromSockaddr(const sockaddr_in& sa) {
    Endpoint ep;
    ep.address.family = IpAddress::Family::V4;
    std::memcpy(ep.address.bytes.data(), &sa.sin_addr, 4);
    ep.port = ntohs(sa.sin_port);
    return ep;
}

// A socket on 127.0.0.1, closed on destruction.
class Socket {
  public:
    explicit Socket(int type) : m_fd(::socket(AF_INET, type, 0)) {}
    ~Socket() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    bool Bind(std::uint16_t port = 0) {
        const sockaddr_in sa = ToSockaddr(Endpoint{kLoopback, port});
        return ::bind(m_fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
    }
    bool Connect(const Endpoint& to) {
        const sockaddr_in sa = ToSockaddr(to);
        return ::connect(m_fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
    }
    Endpoint Local() const {
        sockaddr_in sa{};
        socklen_t n = sizeof sa;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&sa), &n);
        return FromSockaddr(sa);
    }
    void SendTo(const Endpoint& to, ByteView data) {
        const sockaddr_in sa = ToSockaddr(to);
        ::sendto(m_fd, data.data, data.size, 0, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
    }
    void SendAll(ByteView data) { testkit::SendAll(m_fd, data, testkit::In(5s)); }
    // Waits up to `wait` for bytes; returns false when none came (or the peer closed).
    bool Receive(Bytes& data, Endpoint& from, std::chrono::milliseconds wait) {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
            return false;
        data.resize(65536);
        sockaddr_in sa{};
        socklen_t n = sizeof sa;
        const ssize_t got =
            ::recvfrom(m_fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&sa), &n);
        if (got <= 0)
            return false;
        data.resize(static_cast<std::size_t>(got));
        if (n >= sizeof sa && sa.sin_family == AF_INET)
            from = FromSockaddr(sa);
        return true;
    }
    int Fd() const { return m_fd; }

  private:
    int m_fd;
};

class CoturnInterop : public ::testing::Test {
  protected:
    static constexpr const char* kUser = "u";
    static constexpr const char* kPassword = "p";
    static constexpr const char* kRealm = "r";

    void SetUp() override {
        ASSERT_TRUE(testkit::ProgramExists("turnserver"))
            << "turnserver (Debian package coturn) is not installed; tools/setup installs it";
        ASSERT_FALSE(m_dir.Path().empty());
        m_port = testkit::FreeLoopbackPort();
        ASSERT_NE(m_port, 0);
        // A relay range next to a port the kernel just handed out (unlikely to be in use),
        // and away from the listening port.
        for (int attempt = 0; attempt < 20 && m_min_port == 0; ++attempt) {
            const int base = std::min<int>(testkit::FreeLoopbackPort(), 65535 - 40);
            if (base > 0 && (m_port < base || m_port > base + 40))
                m_min_port = static_cast<std::uint16_t>(base);
        }
        ASSERT_NE(m_min_port, 0);
        m_max_port = static_cast<std::uint16_t>(m_min_port + 40);
        m_server = Endpoint{kLoopback, m_port};

        const std::vector<std::string> args = {"turnserver",
                                               "-n",
                                               "--listening-ip=127.0.0.1",
                                               "--listening-port=" + std::to_string(m_port),
                                               "--relay-ip=127.0.0.1",
                                               "--min-port=" + std::to_string(m_min_port),
                                               "--max-port=" + std::to_string(m_max_port),
                                               "--lt-cred-mech",
                                               std::string("--user=") + kUser + ":" + kPassword,
                                               std::string("--realm=") + kRealm,
                                               "--no-tls",
                                               "--no-dtls",
                                               "--no-cli",
                                               "--allow-loopback-peers",
                                               "--simple-log",
                                               "--log-file=" + m_dir.File("turnserver.log"),
                                               "--pidfile=" + m_dir.File("turnserver.pid"),
                                               "--userdb=" + m_dir.File("turndb.sqlite"),
                                               "--fingerprint"};
        ASSERT_TRUE(m_turnserver.StartLoggingTo(args, m_dir.File("stdout.txt")))
            << "could not start turnserver";
        ASSERT_TRUE(WaitUntilAnswering())
            << "turnserver did not answer a Binding in 10 s (" << m_probe_notes << ")\n"
            << Logs();
    }

    void TearDown() override {
        m_turnserver.Kill();
        if (HasFailure())
            std::cerr << Logs();
    }

    std::string Logs() const {
        std::ostringstream s;
        for (const char* f : {"stdout.txt", "turnserver.log"})
            s << "---- " << f << "\n" << testkit::ReadFile(m_dir.File(f)) << "\n";
        return s.str();
    }

    bool WaitUntilAnswering() {
        Socket s(SOCK_DGRAM);
        if (!s.Bind())
            return false;
        Rng rng(1);
        // Probes sent before the server was up are answered late and in a batch: any
        // answer to any of our probes will do.
        std::set<stun::TransactionId> sent;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto probe =
                stun::Message::Make(stun::Class::Request, stun::method::kBinding, rng);
            sent.insert(probe.Id());
            s.SendTo(m_server, probe.Encode());
            Bytes data;
            Endpoint from;
            while (s.Receive(data, from, 100ms)) {
                auto answer = stun::Message::Decode(data);
                if (answer && sent.count(answer->Id()))
                    return true;
                m_probe_notes = answer ? "answer to another transaction"
                                       : answer.Message() + ": " + ToHex(data);
            }
        }
        return false;
    }

    ClientConfig Config(const std::string& password, Transport transport = Transport::Udp) {
        ClientConfig c;
        c.server = m_server;
        c.transport = transport;
        c.username = kUser;
        c.password = password;
        c.software = "cmslab interop test";
        return c;
    }

    // Runs the client on `sock` until `done` says so or 10 s pass; an optional echo
    // socket reflects whatever reaches it. Returns whether `done` was reached.
    bool Drive(Client& client, Socket& sock, std::vector<ClientEvent>& events,
               const std::function<bool()>& done, Socket* echo = nullptr,
               std::vector<std::pair<Endpoint, Bytes>>* echoed = nullptr) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            const Instant now = Now();
            if (auto t = client.NextTimeout(); t && *t <= now)
                client.HandleTimeout(now);
            while (auto t = client.PollTransmit()) {
                if (client_transport == Transport::Udp)
                    sock.SendTo(t->to, t->data);
                else
                    sock.SendAll(t->data);
            }
            while (auto e = client.PollEvent())
                events.push_back(*e);
            if (done())
                return true;
            Bytes data;
            Endpoint from = m_server;
            if (sock.Receive(data, from, 10ms))
                client.HandleInput(data, from, Now());
            if (echo && echo->Receive(data, from, 0ms)) {
                if (echoed)
                    echoed->emplace_back(from, data);
                Bytes reply(data.rbegin(), data.rend()); // reversed, so it is visibly an answer
                echo->SendTo(from, reply);
            }
        }
        return false;
    }

    Instant Now() const {
        return std::chrono::duration_cast<Instant>(std::chrono::steady_clock::now() - m_start);
    }

    template <class Kind> static const Kind* Find(const std::vector<ClientEvent>& events) {
        for (const ClientEvent& e : events)
            if (const Kind* k = std::get_if<Kind>(&e))
                return k;
        return nullptr;
    }
    template <class Kind> static bool Has(const std::vector<ClientEvent>& events) {
        return Find<Kind>(events) != nullptr;
    }

    // CMSLAB_KEEP_TMP=1 keeps the configuration and logs.
    testkit::TempDir m_dir{"cmslab-coturn"};
    testkit::BackgroundProcess m_turnserver; // after m_dir: killed before the folder goes
    std::string m_probe_notes;
    std::uint16_t m_port = 0;
    std::uint16_t m_min_port = 0;
    std::uint16_t m_max_port = 0;
    Endpoint m_server;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    Transport client_transport = Transport::Udp;
};

} // namespace

TEST_F(CoturnInterop, AllocateSucceedsWithTheRightPassword) {
    Socket sock(SOCK_DGRAM);
    ASSERT_TRUE(sock.Bind());
    Client client(Config(kPassword), Rng(11));
    std::vector<ClientEvent> events;
    client.Allocate(Now());
    ASSERT_TRUE(Drive(client, sock, events, [&] {
        return client.GetState() == Client::State::Allocated ||
               client.GetState() == Client::State::Failed;
    }));
    const auto* challenged = Find<ce::Challenged>(events);
    ASSERT_NE(challenged, nullptr);
    EXPECT_EQ(challenged->realm, kRealm);
    const auto* ok = Find<ce::AllocateSuccess>(events);
    ASSERT_NE(ok, nullptr) << (Find<ce::AllocateFailure>(events)
                                   ? Find<ce::AllocateFailure>(events)->error.reason
                                   : "");
    EXPECT_EQ(ok->relayed.address, kLoopback);
    EXPECT_GE(ok->relayed.port, m_min_port);
    EXPECT_LE(ok->relayed.port, m_max_port);
    EXPECT_EQ(ok->mapped, sock.Local());
    EXPECT_GT(ok->lifetime, 0u);

    // And a clean delete.
    client.Close(Now());
    ASSERT_TRUE(
        Drive(client, sock, events, [&] { return client.GetState() == Client::State::Closed; }));
    EXPECT_TRUE(Has<ce::Closed>(events));
}

TEST_F(CoturnInterop, WrongPasswordIsRefusedWith401) {
    Socket sock(SOCK_DGRAM);
    ASSERT_TRUE(sock.Bind());
    Client client(Config("not-the-password"), Rng(12));
    std::vector<ClientEvent> events;
    client.Allocate(Now());
    ASSERT_TRUE(Drive(client, sock, events, [&] {
        return client.GetState() == Client::State::Allocated ||
               client.GetState() == Client::State::Failed;
    }));
    EXPECT_TRUE(Has<ce::Challenged>(events));
    const auto* failure = Find<ce::AllocateFailure>(events);
    ASSERT_NE(failure, nullptr);
    EXPECT_EQ(failure->error.code, 401); // coturn's answer; Expressway-E says 431
    EXPECT_EQ(client.GetState(), Client::State::Failed);
}

TEST_F(CoturnInterop, PermissionSendIndicationAndChannelDataRoundTrip) {
    Socket sock(SOCK_DGRAM);
    ASSERT_TRUE(sock.Bind());
    Socket echo(SOCK_DGRAM);
    ASSERT_TRUE(echo.Bind());
    const Endpoint peer = echo.Local();
    Client client(Config(kPassword), Rng(13));
    std::vector<ClientEvent> events;
    std::vector<std::pair<Endpoint, Bytes>> echoed;
    client.Allocate(Now());
    ASSERT_TRUE(
        Drive(client, sock, events, [&] { return client.GetState() == Client::State::Allocated; }));
    const Endpoint relayed = client.RelayedAddress();

    client.CreatePermission(peer.address, Now());
    ASSERT_TRUE(Drive(client, sock, events, [&] {
        return Has<ce::PermissionSuccess>(events) || Has<ce::PermissionFailure>(events);
    }));
    ASSERT_TRUE(Has<ce::PermissionSuccess>(events))
        << Find<ce::PermissionFailure>(events)->error.code;

    // Send indication out; coturn relays it from the relayed address; the echo answers
    // to the relayed address; it comes back as a Data indication.
    const Bytes ping = {'p', 'i', 'n', 'g', '-', '1'};
    ASSERT_TRUE(client.Send(peer, ping, Now()));
    ASSERT_TRUE(Drive(
        client, sock, events, [&] { return Has<ce::Data>(events); }, &echo, &echoed));
    ASSERT_EQ(echoed.size(), 1u);
    EXPECT_EQ(echoed[0].first, relayed);
    EXPECT_EQ(echoed[0].second, ping);
    const auto* data = Find<ce::Data>(events);
    EXPECT_EQ(data->peer, peer);
    EXPECT_EQ(data->data, Bytes(ping.rbegin(), ping.rend()));
    EXPECT_EQ(data->channel, 0);

    // ChannelBind, then the same round trip as ChannelData.
    client.ChannelBind(peer, Now());
    ASSERT_TRUE(Drive(client, sock, events, [&] {
        return Has<ce::ChannelBindSuccess>(events) || Has<ce::ChannelBindFailure>(events);
    }));
    ASSERT_TRUE(Has<ce::ChannelBindSuccess>(events));
    events.clear();
    const Bytes ping2 = {'c', 'h', 'a', 'n', 'n', 'e', 'l'};
    ASSERT_TRUE(client.Send(peer, ping2, Now()));
    ASSERT_TRUE(Drive(
        client, sock, events, [&] { return Has<ce::Data>(events); }, &echo, &echoed));
    ASSERT_EQ(echoed.size(), 2u);
    EXPECT_EQ(echoed[1].second, ping2);
    data = Find<ce::Data>(events);
    EXPECT_EQ(data->channel, client.ChannelFor(peer));
    EXPECT_NE(data->channel, 0);
    EXPECT_EQ(data->data, Bytes(ping2.rbegin(), ping2.rend()));
}

TEST_F(CoturnInterop, AllocateOverTcp) {
    Socket sock(SOCK_STREAM);
    ASSERT_TRUE(sock.Bind());
    ASSERT_TRUE(sock.Connect(m_server));
    client_transport = Transport::Tcp;
    Client client(Config(kPassword, Transport::Tcp), Rng(14));
    std::vector<ClientEvent> events;
    client.Allocate(Now());
    ASSERT_TRUE(Drive(client, sock, events, [&] {
        return client.GetState() == Client::State::Allocated ||
               client.GetState() == Client::State::Failed;
    }));
    ASSERT_TRUE(Has<ce::AllocateSuccess>(events));
    EXPECT_EQ(client.MappedAddress(), sock.Local());
    EXPECT_EQ(client.RelayedAddress().address, kLoopback);
}
