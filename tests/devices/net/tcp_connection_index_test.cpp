// The TCP connection index on the reference network: the lab's open connections receive
// their segments through it, and the captures are byte for byte what ns-3's own walk
// gives; what it does not place (a connection ns-3 has released, a bad checksum) is
// ns-3's to answer or drop, as before.
#include "devnet_fixture.h"
#include "raw_l4.h"
#include "tcp_connection_index.h"
#include "tcp_listener.h"
#include "tcp_stream.h"

#include "ns3/ipv4.h"
#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/tcp-l4-protocol.h"

#include <fstream>
#include <iterator>
#include <map>

namespace cmslab::devices::net::test {
namespace {

// Accepts connections on `node`'s `port` and keeps what each one receives.
struct Acceptor {
    std::unique_ptr<TcpListener> listener;
    std::vector<std::unique_ptr<TcpStream>> accepted;
    std::shared_ptr<std::vector<Bytes>> received = std::make_shared<std::vector<Bytes>>();
    // Called with each accepted stream, to answer.
    std::function<void(TcpStream&, std::size_t index)> on_accept;

    Acceptor(ns3::Ptr<ns3::Node> node, std::uint16_t port) {
        auto l = TcpListener::Listen(node, AnyAddress(port), [this](std::unique_ptr<TcpStream> s) {
            const std::size_t index = received->size();
            received->emplace_back();
            auto got = received;
            s->SetOnData([got, index](const Bytes& d) {
                (*got)[index].insert((*got)[index].end(), d.begin(), d.end());
            });
            if (on_accept)
                on_accept(*s, index);
            accepted.push_back(std::move(s));
        });
        if (!l)
            ADD_FAILURE() << l.Message();
        else
            listener = std::move(*l);
    }
};

std::unique_ptr<TcpStream> Client(ns3::Ptr<ns3::Node> node, const Endpoint& to, Bytes* got) {
    auto stream = TcpStream::Connect(node, to);
    stream->SetOnData([got](const Bytes& d) { got->insert(got->end(), d.begin(), d.end()); });
    return stream;
}

// A TCP segment with ACK (and PSH when it carries data) and the timestamp option, which
// ns-3 requires on a connection that agreed to it (RFC 7323: it drops segments without).
Bytes Segment(std::uint16_t from_port, std::uint16_t to_port, std::uint32_t seq, std::uint32_t ack,
              const Bytes& payload) {
    Bytes tcp(32);
    PutU16(tcp, 0, from_port);
    PutU16(tcp, 2, to_port);
    PutU32(tcp, 4, seq);
    PutU32(tcp, 8, ack);
    tcp[12] = 8 << 4; // 32 bytes of header
    tcp[13] = payload.empty() ? 0x10 : 0x18;
    PutU16(tcp, 14, 65535);
    tcp[20] = tcp[21] = 1; // NOP, NOP
    tcp[22] = 8;           // timestamps, 10 bytes
    tcp[23] = 10;
    PutU32(tcp, 24, 1000000); // later than any the peer has seen (ns-3 counts milliseconds)
    tcp.insert(tcp.end(), payload.begin(), payload.end());
    return tcp;
}

using TcpConnectionIndexTest = DevnetTest;

TEST_F(TcpConnectionIndexTest, OpenConnectionsReceiveThroughTheIndex) {
    const Bytes upload = Pattern(200 * 1024, 1);
    const Bytes download = Pattern(150 * 1024, 2);
    Acceptor server(Node("vcse"), 443);
    server.on_accept = [&download](TcpStream& s, std::size_t) { s.Send(download); };
    Bytes got;
    auto client = Client(Node("guest-pc"), Ep("10.88.246.156", 443), &got); // through the NAT
    client->Send(upload);
    m_world->RunFor(10);

    ASSERT_EQ(server.received->size(), 1u);
    EXPECT_TRUE((*server.received)[0] == upload) << (*server.received)[0].size();
    EXPECT_TRUE(got == download) << got.size();
    // Every segment after the handshake: the bulk of both directions.
    EXPECT_GT(IndexedSegments(Node("vcse")), 100u);
    EXPECT_GT(IndexedSegments(Node("guest-pc")), 50u);
    EXPECT_EQ(IndexedSegments(Node("cms")), 0u) << "no connection there";
    client.reset();
    server.accepted.clear();
    Finish();
    EXPECT_EQ(testkit::TsharkWarnings(Pcap("public")), "");
}

// The same traffic with and without the index, in two worlds: every capture the same.
class TcpConnectionIndexSameBytes : public ::testing::Test {
  protected:
    void TearDown() override {
        for (const auto& dir : m_dirs)
            if (!HasFailure())
                std::filesystem::remove_all(dir);
    }

    // Connections that open, carry bulk both ways, close from either side, reset, and
    // one refused, on the public and the internal networks.
    std::string Run(bool with_index) {
        char dir_template[] = "/tmp/cmslab-tcpindex-XXXXXX";
        EXPECT_NE(mkdtemp(dir_template), nullptr);
        m_dirs.emplace_back(dir_template);
        network::BuildOptions options;
        options.out_dir = dir_template;
        auto built = network::World::Build(network::test::ReferenceNetwork(), options);
        EXPECT_TRUE(built) << built.Message();
        if (!built)
            return dir_template;
        std::unique_ptr<network::World> world = std::move(*built);
        if (!with_index)
            for (auto node = ns3::NodeList::Begin(); node != ns3::NodeList::End(); ++node)
                if (auto tcp = (*node)->GetObject<ns3::TcpL4Protocol>())
                    (*node)->GetObject<ns3::Ipv4>()->Insert(tcp); // ns-3's TCP back as 6

        Acceptor web(world->GetNode("vcse"), 443);
        web.on_accept = [](TcpStream& s, std::size_t index) {
            s.Send(Pattern(100 * 1024 + index * 999, static_cast<std::uint8_t>(index)));
            if (index == 1)
                s.Close(); // the server closes first
            if (index == 2)
                s.Abort(); // and resets one
        };
        Acceptor api(world->GetNode("cms"), 8443);
        api.on_accept = [](TcpStream& s, std::size_t) { s.Send(Pattern(5000, 9)); };
        std::vector<Bytes> got(5);
        std::vector<std::unique_ptr<TcpStream>> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(
                Client(world->GetNode("guest-pc"), Ep("10.88.246.156", 443), &got[i]));
            clients.back()->Send(Pattern(60 * 1024, static_cast<std::uint8_t>(i)));
        }
        clients.push_back(Client(world->GetNode("vcsc"), Ep("172.16.85.180", 8443), &got[3]));
        clients.push_back(Client(world->GetNode("vcsc"), Ep("172.16.85.180", 8444), &got[4]));
        world->RunFor(3);
        clients[0]->Close(); // the client closes first
        clients[3].reset();  // the owner lets go
        world->RunFor(120);  // past TIME_WAIT
        EXPECT_EQ(got[0].size(), 100u * 1024);
        EXPECT_EQ(with_index, IndexedSegments(world->GetNode("vcse")) > 0);
        clients.clear();
        web.accepted.clear();
        api.accepted.clear();
        world.reset();
        return dir_template;
    }

    std::vector<std::string> m_dirs;
};

std::map<std::string, std::string> Files(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& f : std::filesystem::recursive_directory_iterator(dir))
        if (f.is_regular_file()) {
            std::ifstream in(f.path(), std::ios::binary);
            files[std::filesystem::relative(f.path(), dir).string()] =
                std::string(std::istreambuf_iterator<char>(in), {});
        }
    return files;
}

TEST_F(TcpConnectionIndexSameBytes, EveryCaptureIsWhatNs3sWalkGives) {
    const auto with = Files(Run(true));
    const auto without = Files(Run(false));
    ASSERT_FALSE(with.empty());
    ASSERT_EQ(with.size(), without.size());
    for (const auto& [name, bytes] : with) {
        ASSERT_TRUE(without.count(name)) << name;
        EXPECT_TRUE(bytes == without.at(name)) << name << " differs";
    }
    EXPECT_GT(with.at("pcap/public.pcap").size(), 300u * 1024) << "the bulk is in it";
}

TEST_F(TcpConnectionIndexTest, ASegmentForAReleasedConnectionIsNs3sToAnswer) {
    Acceptor server(Node("vcse"), 8443);
    server.on_accept = [](TcpStream& s, std::size_t) { s.Abort(); };
    Bytes got;
    auto client = Client(Node("cms"), Ep("172.16.85.168", 8443), &got);
    m_world->RunFor(1);
    ASSERT_EQ(client->GetState(), TcpStream::State::Closed) << "reset by the server";
    const Endpoint local = client->LocalEndpoint();
    const std::uint64_t before = IndexedSegments(Node("cms"));
    // The stream still holds its socket, registered; ns-3 has released the endpoint.
    SendRawL4(Node("vcse"), Ip("172.16.85.168"), local.address, 6,
              Segment(8443, local.port, 1, 1, Bytes{'l', 'a', 't', 'e'}), 16, true);
    m_world->RunFor(1);
    EXPECT_EQ(IndexedSegments(Node("cms")), before);
    client.reset();
    server.accepted.clear();
    Finish();
    // ns-3's TCP answers a segment for nobody with a RST.
    const auto resets =
        Tshark("internal",
               "tcp.flags.reset == 1 && ip.src == 172.16.85.180 && tcp.srcport == " +
                   std::to_string(local.port),
               {"tcp.ack_raw"});
    ASSERT_EQ(resets.size(), 1u) << "the RST to the late segment (the abort's came from vcse)";
}

TEST_F(TcpConnectionIndexTest, ABadChecksumIsDroppedAsNs3DropsIt) {
    Acceptor server(Node("vcse"), 8443);
    Bytes got;
    auto client = Client(Node("cms"), Ep("172.16.85.168", 8443), &got);
    client->Send(Bytes{'h', 'e', 'l', 'l', 'o'});
    m_world->RunFor(1);
    ASSERT_EQ(server.received->size(), 1u);
    ASSERT_EQ((*server.received)[0], (Bytes{'h', 'e', 'l', 'l', 'o'}));
    const Endpoint local = client->LocalEndpoint();
    const std::uint64_t before = IndexedSegments(Node("vcse"));
    // The client's next bytes, written by hand (ns-3 starts every connection at sequence
    // 0: the SYN, then "hello" from 1 to 5), once with a bad checksum and once good.
    for (bool good : {false, true})
        SendRawL4(Node("cms"), local.address, Ip("172.16.85.168"), 6,
                  Segment(local.port, 8443, 6, 1, good ? Bytes{'o', 'k'} : Bytes{'b', 'a'}), 16,
                  good);
    m_world->RunFor(1);
    EXPECT_EQ((*server.received)[0], (Bytes{'h', 'e', 'l', 'l', 'o', 'o', 'k'}));
    // The good one went through the index (and the answers to vcse's ACK of it after).
    EXPECT_GT(IndexedSegments(Node("vcse")), before);
    client.reset();
    server.accepted.clear();
    Finish();
    const auto syn =
        Tshark("internal", "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 8443",
               {"tcp.seq_raw"});
    ASSERT_EQ(syn.size(), 1u);
    EXPECT_EQ(syn[0], "0") << "the sequence numbers above assume it";
    const auto judged = Tshark("internal", "tcp.len == 2 && tcp.dstport == 8443",
                               {"tcp.checksum.status"}, {"-o", "tcp.check_checksum:TRUE"});
    ASSERT_EQ(judged.size(), 2u);
    EXPECT_EQ(judged[0], "0") << "bad";
    EXPECT_EQ(judged[1], "1") << "good";
}

} // namespace
} // namespace cmslab::devices::net::test
