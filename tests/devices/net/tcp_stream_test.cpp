// TcpStream, TcpListener and UdpPort on the reference network: connection outcomes
// (refused, timeout through the firewall, unreachable), bulk transfer through the send
// queue, half-close, local address binding, UDP on a given NIC.
#include "devnet_fixture.h"
#include "key_log_file.h"
#include "sim_time.h"
#include "tcp_listener.h"
#include "tcp_stream.h"
#include "udp_port.h"

#include "ns3/node.h"

#include <fstream>
#include <iterator>
#include <optional>

namespace cmslab::devices::net::test {
namespace {

struct Outcome {
    bool connected = false;
    Instant connected_at{0};
    std::optional<CloseInfo> closed;
    Instant closed_at{0};
    Bytes received;
};

// A client stream that records what happens to it.
std::unique_ptr<TcpStream> Record(std::unique_ptr<TcpStream> stream, std::shared_ptr<Outcome> out) {
    stream->SetOnConnected([out] {
        out->connected = true;
        out->connected_at = SimNow();
    });
    stream->SetOnData([out](const Bytes& data) {
        out->received.insert(out->received.end(), data.begin(), data.end());
    });
    stream->SetOnClosed([out](const CloseInfo& info) {
        out->closed = info;
        out->closed_at = SimNow();
    });
    return stream;
}

using TcpStreamTest = DevnetTest;

TEST_F(TcpStreamTest, NobodyListeningIsRefused) {
    auto out = std::make_shared<Outcome>();
    // The firewall admits 443; nothing listens on Expressway-E, which answers with a RST.
    auto stream = Record(TcpStream::Connect(Node("guest-pc"), Ep("10.88.246.156", 443)), out);
    m_world->RunFor(5);
    EXPECT_FALSE(out->connected);
    ASSERT_TRUE(out->closed);
    EXPECT_EQ(out->closed->reason, CloseReason::Refused) << out->closed->ToString();
    EXPECT_LT(out->closed_at, std::chrono::milliseconds(100)) << "a RST comes back at once";
    EXPECT_EQ(stream->GetState(), TcpStream::State::Closed);
    stream.reset();
    Finish();
    // One SYN, one RST, and the client gives up without retransmitting.
    auto frames = Tshark("public", "tcp", {"ip.src", "tcp.flags.str"});
    EXPECT_EQ(frames, (std::vector<std::string>{"172.16.84.124|··········S·",
                                                "10.88.246.156|·······A·R··"}));
}

TEST_F(TcpStreamTest, FirewallDropGivesTimeoutWithinTheBound) {
    auto out = std::make_shared<Outcome>();
    TcpConnectOptions options;
    options.connect_timeout = std::chrono::seconds(5);
    auto stream =
        Record(TcpStream::Connect(Node("guest-pc"), Ep("10.88.246.156", 445), options), out);
    m_world->RunFor(60);
    EXPECT_FALSE(out->connected);
    ASSERT_TRUE(out->closed);
    EXPECT_EQ(out->closed->reason, CloseReason::Timeout) << out->closed->ToString();
    EXPECT_EQ(out->closed_at, std::chrono::seconds(5));
    stream.reset();
    Finish();
    // SYN at 0, 1, 3 s; nothing comes back and the client sends no RST.
    auto syns = Tshark("guest", "tcp.dstport == 445", {"frame.time_relative", "tcp.flags.str"});
    EXPECT_EQ(syns.size(), 3u);
    for (const auto& line : syns)
        EXPECT_NE(line.find("S"), std::string::npos) << line;
    EXPECT_TRUE(
        Tshark("public", "tcp.port == 445 && ip.src == 10.88.246.156", {"frame.number"}).empty());
}

TEST_F(TcpStreamTest, NoRouteIsUnreachable) {
    auto out = std::make_shared<Outcome>();
    // The guest router knows only its two segments and has no default route.
    auto stream = Record(TcpStream::Connect(Node("guest-router"), Ep("203.0.113.5", 443), {}), out);
    m_world->RunFor(5);
    ASSERT_TRUE(out->closed);
    EXPECT_EQ(out->closed->reason, CloseReason::Unreachable) << out->closed->ToString();
    EXPECT_EQ(out->closed_at, Instant(0));
}

TEST_F(TcpStreamTest, BulkTransferBothWaysArrivesIntact) {
    const Bytes upload = Pattern(200 * 1024, 7);
    const Bytes download = Pattern(300 * 1024, 99);
    std::vector<std::unique_ptr<TcpStream>> accepted;
    auto server_got = std::make_shared<Bytes>();
    auto server_closed = std::make_shared<std::optional<CloseInfo>>();
    Endpoint server_saw_peer;
    auto listener =
        TcpListener::Listen(Node("vcse"), AnyAddress(443), [&](std::unique_ptr<TcpStream> s) {
            server_saw_peer = s->PeerEndpoint();
            TcpStream* raw = s.get();
            s->SetOnData([server_got, raw, &upload, &download](const Bytes& data) {
                server_got->insert(server_got->end(), data.begin(), data.end());
                if (server_got->size() == upload.size()) {
                    raw->Send(download); // 300 KB: more than ns-3's 128 KB send buffer
                    raw->Close();
                }
            });
            s->SetOnClosed([server_closed](const CloseInfo& info) { *server_closed = info; });
            accepted.push_back(std::move(s));
        });
    ASSERT_TRUE(listener) << listener.Message();

    auto out = std::make_shared<Outcome>();
    auto client = Record(TcpStream::Connect(Node("guest-pc"), Ep("10.88.246.156", 443)), out);
    client->Send(upload); // queued before the connection is up
    EXPECT_EQ(client->Queued(), upload.size());
    m_world->RunFor(10);

    EXPECT_TRUE(out->connected);
    EXPECT_EQ(server_got->size(), upload.size());
    EXPECT_TRUE(*server_got == upload) << "upload corrupted";
    EXPECT_EQ(out->received.size(), download.size());
    EXPECT_TRUE(out->received == download) << "download corrupted";
    ASSERT_TRUE(out->closed);
    EXPECT_EQ(out->closed->reason, CloseReason::Normal);
    EXPECT_EQ(client->BytesSent(), upload.size());
    EXPECT_EQ(client->Queued(), 0u);
    EXPECT_EQ(client->LocalEndpoint().address, Ip("172.16.84.124"));
    EXPECT_EQ(client->PeerEndpoint(), Ep("10.88.246.156", 443));
    EXPECT_EQ(server_saw_peer.address, Ip("172.16.84.124"));
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_EQ(accepted[0]->LocalEndpoint(), Ep("192.168.245.61", 443));
    // The server closed first; the client's automatic FIN answers it and is not reported
    // to the server as anything unexpected.
    EXPECT_FALSE(*server_closed);
    EXPECT_EQ(accepted[0]->GetState(), TcpStream::State::Closed);
    (*listener).reset();
    accepted.clear();
    client.reset();
    Finish();
    EXPECT_EQ(testkit::TsharkWarnings(Pcap("public")), "");
}

TEST_F(TcpStreamTest, DroppingTheStreamStillDeliversWhatWasQueued) {
    const Bytes payload = Pattern(150 * 1024, 3);
    auto got = std::make_shared<Bytes>();
    auto closed = std::make_shared<std::optional<CloseInfo>>();
    std::vector<std::unique_ptr<TcpStream>> accepted;
    auto listener =
        TcpListener::Listen(Node("cms"), AnyAddress(8443), [&](std::unique_ptr<TcpStream> s) {
            s->SetOnData([got](const Bytes& d) { got->insert(got->end(), d.begin(), d.end()); });
            s->SetOnClosed([closed](const CloseInfo& info) { *closed = info; });
            accepted.push_back(std::move(s));
        });
    ASSERT_TRUE(listener);
    {
        auto client = TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8443));
        client->Send(payload);
    } // the owner lets go at once: the connection finishes on its own
    m_world->RunFor(10);
    EXPECT_TRUE(*got == payload) << got->size() << " of " << payload.size();
    ASSERT_TRUE(*closed);
    EXPECT_EQ((*closed)->reason, CloseReason::Normal);
}

TEST_F(TcpStreamTest, AbortResetsThePeer) {
    auto closed = std::make_shared<std::optional<CloseInfo>>();
    std::vector<std::unique_ptr<TcpStream>> accepted;
    auto listener =
        TcpListener::Listen(Node("cms"), AnyAddress(8443), [&](std::unique_ptr<TcpStream> s) {
            s->SetOnClosed([closed](const CloseInfo& info) { *closed = info; });
            accepted.push_back(std::move(s));
        });
    ASSERT_TRUE(listener);
    auto out = std::make_shared<Outcome>();
    auto client = Record(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8443)), out);
    TcpStream* raw = client.get();
    client->SetOnConnected([raw] { raw->Abort(); });
    m_world->RunFor(2);
    ASSERT_TRUE(*closed);
    EXPECT_EQ((*closed)->reason, CloseReason::Reset);
    EXPECT_FALSE(out->closed) << "no handler runs after Abort";
}

TEST_F(TcpStreamTest, ConnectFromAGivenLocalAddress) {
    Endpoint seen;
    std::vector<std::unique_ptr<TcpStream>> accepted;
    auto listener = TcpListener::Listen(Node("cms"), Ep("172.16.85.180", 443),
                                        [&](std::unique_ptr<TcpStream> s) {
                                            seen = s->PeerEndpoint();
                                            accepted.push_back(std::move(s));
                                        });
    ASSERT_TRUE(listener);
    EXPECT_FALSE(TcpListener::Listen(Node("cms"), Ep("172.16.85.180", 443), nullptr))
        << "the port is taken";
    TcpConnectOptions options;
    options.local_address = Ip("172.16.85.168");
    options.local_port = 40001;
    auto out = std::make_shared<Outcome>();
    auto client = Record(TcpStream::Connect(Node("vcse"), Ep("172.16.85.180", 443), options), out);
    m_world->RunFor(2);
    EXPECT_TRUE(out->connected);
    EXPECT_EQ(seen, Ep("172.16.85.168", 40001));
    EXPECT_EQ(client->LocalEndpoint(), Ep("172.16.85.168", 40001));
}

TEST_F(TcpStreamTest, UdpPortsOnEachNicAndEphemeral) {
    struct Got {
        Endpoint from, to;
        Bytes data;
    };
    std::vector<Got> lan1, lan2, any;
    auto internal = UdpPort::Bind(Node("vcse"), Ep("172.16.85.168", 3478));
    auto external = UdpPort::Bind(Node("vcse"), Ep("192.168.245.61", 3478));
    auto wildcard = UdpPort::Bind(Node("vcse"), AnyAddress(5000));
    ASSERT_TRUE(internal && external && wildcard);
    EXPECT_FALSE(UdpPort::Bind(Node("vcse"), Ep("192.168.245.61", 3478))) << "taken";
    UdpPort* ext = external->get();
    (*internal)->SetOnDatagram([&](const Endpoint& f, const Endpoint& t, const Bytes& d) {
        lan1.push_back({f, t, d});
    });
    (*external)->SetOnDatagram([&, ext](const Endpoint& f, const Endpoint& t, const Bytes& d) {
        lan2.push_back({f, t, d});
        ext->SendTo(f, Bytes{'p', 'o', 'n', 'g'});
    });
    (*wildcard)->SetOnDatagram([&](const Endpoint& f, const Endpoint& t, const Bytes& d) {
        any.push_back({f, t, d});
    });

    auto cms = UdpPort::Bind(Node("cms"), AnyAddress(0));
    auto guest = UdpPort::Bind(Node("guest-pc"), AnyAddress(0));
    ASSERT_TRUE(cms && guest);
    EXPECT_NE((*guest)->LocalEndpoint().port, 0);
    std::vector<Got> guest_got;
    (*guest)->SetOnDatagram([&](const Endpoint& f, const Endpoint& t, const Bytes& d) {
        guest_got.push_back({f, t, d});
    });
    EXPECT_TRUE((*cms)->SendTo(Ep("172.16.85.168", 3478), Bytes{'a'}));
    EXPECT_TRUE((*guest)->SendTo(Ep("10.88.246.156", 3478), Bytes{'b'}));
    EXPECT_TRUE((*cms)->SendTo(Ep("172.16.85.168", 5000), Bytes{'c'}));
    m_world->RunFor(1);

    ASSERT_EQ(lan1.size(), 1u);
    EXPECT_EQ(lan1[0].from.address, Ip("172.16.85.180"));
    EXPECT_EQ(lan1[0].to, Ep("172.16.85.168", 3478));
    ASSERT_EQ(lan2.size(), 1u);
    EXPECT_EQ(lan2[0].from.address, Ip("172.16.84.124"));
    EXPECT_EQ(lan2[0].to, Ep("192.168.245.61", 3478));
    ASSERT_EQ(any.size(), 1u);
    EXPECT_EQ(any[0].to, Ep("172.16.85.168", 5000)) << "the address it arrived at";
    ASSERT_EQ(guest_got.size(), 1u);
    EXPECT_EQ(guest_got[0].from, Ep("10.88.246.156", 3478))
        << "the reply left from the NIC's address";
    EXPECT_EQ(guest_got[0].data, (Bytes{'p', 'o', 'n', 'g'}));
}

TEST_F(TcpStreamTest, TimerFiresAtTheAskedTimeAndCancels) {
    Timer a, b;
    std::vector<std::pair<char, Instant>> fired;
    a.ScheduleIn(std::chrono::milliseconds(250), [&](Instant now) { fired.push_back({'a', now}); });
    b.ScheduleAt(Instant(std::chrono::seconds(1)), [&](Instant now) {
        fired.push_back({'b', now});
    });
    b.Arm(Instant(std::chrono::seconds(1)), [&](Instant now) { fired.push_back({'B', now}); });
    EXPECT_EQ(b.When(), Instant(std::chrono::seconds(1)));
    Timer c;
    c.ScheduleIn(std::chrono::milliseconds(500), [&](Instant now) { fired.push_back({'c', now}); });
    c.Cancel();
    auto d = std::make_unique<Timer>();
    d->ScheduleIn(std::chrono::milliseconds(600), [&](Instant now) {
        fired.push_back({'d', now});
    });
    d.reset();
    m_world->RunFor(2);
    ASSERT_EQ(fired.size(), 2u);
    EXPECT_EQ(fired[0], std::make_pair('a', Instant(std::chrono::milliseconds(250))));
    EXPECT_EQ(fired[1], std::make_pair('B', Instant(std::chrono::seconds(1))));
    EXPECT_FALSE(a.Pending());
}

TEST_F(TcpStreamTest, StreamDestroyedInsideItsOwnHandler) {
    std::unique_ptr<TcpStream> server_side;
    std::string got;
    auto listener =
        TcpListener::Listen(Node("cms"), AnyAddress(8443), [&](std::unique_ptr<TcpStream> s) {
            server_side = std::move(s);
            server_side->SetOnData([&](const Bytes& d) {
                got.append(d.begin(), d.end());
                server_side->Send(std::string_view("last words"));
                server_side.reset(); // the owner lets go from inside the handler
            });
        });
    ASSERT_TRUE(listener);
    auto out = std::make_shared<Outcome>();
    auto client = Record(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8443)), out);
    client->Send(std::string_view("hello"));
    m_world->RunFor(2);
    EXPECT_EQ(got, "hello");
    EXPECT_EQ(std::string(out->received.begin(), out->received.end()), "last words");
    ASSERT_TRUE(out->closed);
    EXPECT_EQ(out->closed->reason, CloseReason::Normal);
}

TEST(KeyLogFileTest, OneFileForEveryEndpointWithoutRepeats) {
    char dir_template[] = "/tmp/cmslab-devnet-keys-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string path = std::string(dir_template) + "/sslkeys.log";
    {
        KeyLogFile keys(path);
        tls::KeyLogSink client = keys.Sink();
        tls::KeyLogSink server = KeyLogFile(keys).Sink(); // copies share the file
        client("CLIENT_HANDSHAKE_TRAFFIC_SECRET 00aa 11bb");
        server("CLIENT_HANDSHAKE_TRAFFIC_SECRET 00aa 11bb"); // the other end of the connection
        server("SERVER_HANDSHAKE_TRAFFIC_SECRET 00aa 22cc");
        std::ifstream in(path);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(text, "CLIENT_HANDSHAKE_TRAFFIC_SECRET 00aa "
                        "11bb\nSERVER_HANDSHAKE_TRAFFIC_SECRET 00aa 22cc\n")
            << "flushed line by line";
        EXPECT_EQ(keys.Lines().size(), 2u);
        EXPECT_FALSE(keys.Failed());
    }
    EXPECT_TRUE(KeyLogFile(std::string(dir_template) + "/missing/dir/keys.log").Failed());
    std::filesystem::remove_all(dir_template);
}

} // namespace
} // namespace cmslab::devices::net::test
