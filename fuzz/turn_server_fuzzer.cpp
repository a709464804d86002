// The TURN server (RFC 8656) fed a sequence of steps: datagrams and TCP stream pieces from
// two clients, datagrams from peers to the relay sockets it opened, time passing, TCP
// connections closing. A step can ask for its STUN request to be signed with a
// configured user's long-term credentials and the last nonce the server handed out, so
// the fuzzer reaches Allocate, Refresh, CreatePermission and ChannelBind past the 401.
// Properties: no exception escapes; what the server sends a client is a STUN response or
// indication with a valid error code, or ChannelData; every response answers a
// transaction the client sent.
#include "fuzz_support.h"
#include "stun/channel_data.h"
#include "stun/integrity.h"
#include "stun/message.h"
#include "stun/stream_framer.h"
#include "turn/server.h"

#include <set>

using namespace cmslab;
using namespace cmslab::turn;

namespace {

const char* const kRealm = "example.org";
const char* const kUser = "alice";
const char* const kPassword = "secret";

ServerConfig FuzzServerConfig() {
    ServerConfig c;
    c.realm = kRealm;
    c.users = {{kUser, kPassword}, {"bob", "hunter2"}};
    c.relays = {RelayAddress{*IpAddress::Parse("192.0.2.61"), *IpAddress::Parse("203.0.113.156")}};
    // A small port range and limits so that exhaustion, 486 and 508 are reachable.
    c.min_port = 24000;
    c.max_port = 24007;
    c.per_user_quota = 3;
    c.relay_capacity = 6;
    c.software = "cmslab-fuzz";
    return c;
}

// The request re-signed with alice's key: USERNAME, REALM, the server's last NONCE and
// MESSAGE-INTEGRITY replace whatever credentials the fuzzer wrote.
Bytes Sign(const stun::Message& m, const std::string& nonce) {
    stun::Message out(m.MessageClass(), m.Method(), m.Id());
    for (const auto& a : m.Attributes()) {
        if (a.type == stun::attr::kUsername || a.type == stun::attr::kRealm ||
            a.type == stun::attr::kNonce || a.type == stun::attr::kMessageIntegrity ||
            a.type == stun::attr::kMessageIntegritySha256 || a.type == stun::attr::kFingerprint)
            continue;
        out.Add(a.type, a.value);
    }
    out.AddUsername(kUser);
    out.AddRealm(kRealm);
    out.AddNonce(nonce);
    stun::EncodeOptions options;
    options.integrity_key = stun::LongTermKey(kUser, kRealm, kPassword);
    return out.Encode(options);
}

struct Driver {
    Server server{FuzzServerConfig(), Rng(7)};
    Instant now{std::chrono::seconds(1000)};
    std::string nonce;
    std::set<stun::TransactionId> sent; // transactions clients started
    std::vector<Endpoint> relays;       // relay sockets the server opened
    stun::StreamFramer tcp;             // the TCP client's stream, cut as the server cuts it

    // Remembers the transactions in what a client sends, so that every response the
    // server gives can be matched to one.
    void NoteSent(const FiveTuple& client, ByteView bytes) {
        if (client.transport == Transport::Udp) {
            if (auto m = stun::Message::Decode(bytes))
                sent.insert(m->Id());
            return;
        }
        tcp.Push(bytes);
        while (auto f = tcp.Next()) {
            if (f->kind == stun::StreamFramer::Frame::Kind::Stun) {
                if (auto m = stun::Message::Decode(f->bytes))
                    sent.insert(m->Id());
            }
        }
    }

    void CheckOutput(const std::vector<FiveTuple>& clients) {
        while (auto t = server.PollTransmit()) {
            bool to_client = false;
            for (const auto& c : clients)
                to_client = to_client || t->to == c.client;
            if (!to_client)
                continue; // to a peer: the relayed data, whatever a client asked to send
            FUZZ_CHECK(!t->data.empty(), "empty transmit to a client");
            if (stun::IsValidChannel(static_cast<std::uint16_t>(
                    t->data[0] << 8 | (t->data.size() > 1 ? t->data[1] : 0)))) {
                FUZZ_CHECK(stun::DecodeChannelData(t->data).Ok(), "malformed ChannelData sent");
                continue;
            }
            auto m = stun::Message::Decode(t->data);
            FUZZ_CHECK(m.Ok(), "server sent something that is neither STUN nor ChannelData: " +
                                   m.Message());
            if (m->IsIndication())
                continue;
            FUZZ_CHECK(m->IsResponse(), "server sent a request to a client");
            FUZZ_CHECK(sent.count(m->Id()) == 1, "response to a transaction nobody started");
            if (m->MessageClass() == stun::Class::ErrorResponse) {
                auto code = m->GetErrorCode();
                FUZZ_CHECK(code && code->code >= 300 && code->code <= 699,
                           "error response without a valid ERROR-CODE");
            }
            if (auto n = m->GetNonce())
                nonce = *n;
        }
        while (auto e = server.PollEvent()) {
            // The stream lost its framing: the driver closes the TCP connection, as the
            // lab's TURN adapter does; the next bytes on that tuple start a new one.
            if (const auto* lost = std::get_if<server_event::StreamError>(&*e)) {
                server.HandleConnectionClosed(lost->tuple, now);
                tcp = stun::StreamFramer{};
            }
        }
        relays.clear();
        for (const auto& a : server.Allocations())
            relays.push_back(a.relay);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Endpoint server_ep{*IpAddress::Parse("192.0.2.1"), 3478};
    const std::vector<FiveTuple> clients = {
        {Transport::Udp, {*IpAddress::Parse("198.51.100.7"), 50000}, server_ep},
        {Transport::Tcp, {*IpAddress::Parse("198.51.100.8"), 50001}, server_ep},
        {Transport::Udp, {*IpAddress::Parse("198.51.100.9"), 50002}, server_ep},
    };
    Driver d;
    fuzz::Chunks in(data, size);
    for (int step = 0; step < 64 && !in.Done(); ++step) {
        const std::uint8_t op = in.U8();
        // Bits 3-4 pick the client; bit 7 (signing) does not, so a signed retry can go to
        // the client that got the challenge, as a real client's does.
        const FiveTuple& client = clients[((op >> 3) & 3) % clients.size()];
        fuzz::NoThrow("TURN server step", [&] {
            switch (op & 7) {
            case 0:
            case 1:
            case 2: {
                ByteView chunk = in.Chunk();
                Bytes signed_bytes;
                if (op & 0x80) {
                    if (auto m = stun::Message::Decode(chunk)) {
                        signed_bytes = Sign(*m, d.nonce);
                        chunk = signed_bytes;
                    }
                }
                d.NoteSent(client, chunk);
                d.server.HandleClientInput(client, chunk, d.now);
                break;
            }
            case 3: {
                const ByteView chunk = in.Chunk();
                if (!d.relays.empty()) {
                    const Endpoint peer{
                        IpAddress::V4(198, 51, 100, static_cast<std::uint8_t>(op >> 6)), 4000};
                    d.server.HandlePeerInput(d.relays[op % d.relays.size()], peer, chunk, d.now);
                }
                break;
            }
            case 4:
                d.now += std::chrono::seconds(in.U16());
                d.server.HandleTimeout(d.now);
                break;
            case 5:
                d.server.HandleConnectionClosed(client, d.now);
                if (client.transport == Transport::Tcp)
                    d.tcp = stun::StreamFramer{};
                break;
            default: {
                if (auto t = d.server.NextTimeout()) {
                    if (*t > d.now)
                        d.now = *t;
                    d.server.HandleTimeout(d.now);
                }
                break;
            }
            }
            d.CheckOutput(clients);
            (void)d.server.Counters();
        });
    }
    return 0;
}
