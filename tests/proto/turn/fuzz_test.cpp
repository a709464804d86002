// Generated hostile input for the TURN server's input paths (client side, TCP stream,
// relay side, timers) and the client's: nothing may crash, and what comes out must
// still be well-formed.
#include "harness.h"
#include "stun/channel_data.h"
#include "stun/demux.h"
#include "stun/integrity.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::turn;
using namespace cmslab::turn::test;
using stun::Message;
namespace attr = stun::attr;
namespace method = stun::method;

namespace {

constexpr int kInputs = 100000;

const std::uint16_t kAttributeTypes[] = {attr::kXorPeerAddress,
                                         attr::kData,
                                         attr::kLifetime,
                                         attr::kChannelNumber,
                                         attr::kRequestedTransport,
                                         attr::kRequestedAddressFamily,
                                         attr::kEvenPort,
                                         attr::kDontFragment,
                                         attr::kXorMappedAddress,
                                         attr::kErrorCode,
                                         attr::kSoftware,
                                         attr::kReservationToken,
                                         attr::kUnknownAttributes,
                                         0x7F00,
                                         0xC0DE};

const std::uint16_t kMethods[] = {method::kAllocate,
                                  method::kRefresh,
                                  method::kCreatePermission,
                                  method::kChannelBind,
                                  method::kBinding,
                                  method::kSend,
                                  0x0ab};

Bytes RandomBytes(Rng& rng, std::size_t max) {
    Bytes b(rng.Uniform(0, max));
    rng.Fill(b.data(), b.size());
    return b;
}

// A value that is often well-formed for its attribute type, sometimes not.
Bytes ValueFor(Rng& rng, std::uint16_t type, const stun::TransactionId& id) {
    if (rng.Uniform(0, 3) == 0)
        return RandomBytes(rng, 24);
    switch (type) {
    case attr::kXorPeerAddress:
    case attr::kXorMappedAddress: {
        const Endpoint peer{
            IpAddress::V4(198, 51, 100, static_cast<std::uint8_t>(rng.Uniform(0, 3))),
            static_cast<std::uint16_t>(rng.Uniform(0, 3))};
        return stun::EncodeXorAddress(peer, id);
    }
    case attr::kLifetime: {
        ByteWriter w;
        // Zero often: deleting allocations keeps the server churning through its ports.
        const std::uint64_t pick = rng.Uniform(0, 3);
        w.U32(static_cast<std::uint32_t>(pick == 0   ? 0
                                         : pick == 1 ? rng.U32()
                                                     : rng.Uniform(0, 4000)));
        return w.Take();
    }
    case attr::kChannelNumber: {
        ByteWriter w;
        w.U16(static_cast<std::uint16_t>(rng.Uniform(0x3FFE, 0x4003)));
        w.U16(0);
        return w.Take();
    }
    case attr::kRequestedTransport:
        return Bytes{static_cast<std::uint8_t>(rng.Uniform(0, 1) ? 17 : rng.U32()), 0, 0, 0};
    case attr::kRequestedAddressFamily:
        return Bytes{static_cast<std::uint8_t>(rng.Uniform(0, 3)), 0, 0, 0};
    default:
        return RandomBytes(rng, 12);
    }
}

struct Fixture {
    Fixture() : server(Config(), Rng(31)), rng(Rng(2024).Fork("turn-server-fuzz")) {
        for (std::uint16_t i = 0; i < 4; ++i)
            tuples.push_back(FiveTuple{Transport::Udp,
                                       Ep("198.51.100.10", static_cast<std::uint16_t>(5000 + i)),
                                       kServerAddress});
        for (std::uint16_t i = 0; i < 2; ++i)
            tuples.push_back(FiveTuple{Transport::Tcp,
                                       Ep("198.51.100.20", static_cast<std::uint16_t>(6000 + i)),
                                       kServerAddress});
        // One real challenge gives a nonce that stays good for the whole run.
        Message m = Message::Make(stun::Class::Request, method::kAllocate, rng);
        server.HandleClientInput(tuples[0], m.Encode(), now);
        nonce = Message::Decode(server.PollTransmit()->data)->GetNonce().value();
        Drain();
    }

    static ServerConfig Config() {
        ServerConfig c = DefaultServerConfig();
        c.nonce_lifetime = std::chrono::hours(1000);
        c.min_port = 24000;
        c.max_port = 24007; // small, so that exhaustion paths run too
        c.per_user_quota = 5;
        return c;
    }

    Bytes SignedSoup(const std::string& user = "alice", const std::string& pass = "secret") {
        const std::uint16_t m = kMethods[rng.Uniform(0, 6)];
        const auto cls = rng.Uniform(0, 5) == 0 ? stun::Class::Indication : stun::Class::Request;
        Message msg = Message::Make(cls, m, rng);
        const std::size_t n = rng.Uniform(0, 5);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint16_t t = kAttributeTypes[rng.Uniform(0, 14)];
            msg.Add(t, ValueFor(rng, t, msg.Id()));
        }
        if (m == method::kAllocate && rng.Uniform(0, 1))
            msg.AddRequestedTransport(stun::kProtocolUdp);
        msg.AddUsername(user);
        msg.AddRealm("example.org");
        msg.AddNonce(rng.Uniform(0, 9) == 0 ? "stale" : nonce);
        stun::EncodeOptions options;
        options.integrity_key = stun::LongTermKey(user, "example.org", pass);
        options.fingerprint = rng.Uniform(0, 1);
        return msg.Encode(options);
    }

    Bytes Generate(int i) {
        if (seeds.size() < 16 || i % 97 == 0) {
            seeds.push_back(SignedSoup());
            if (seeds.size() > 64)
                seeds.erase(seeds.begin());
        }
        const Bytes& seed = seeds[rng.Uniform(0, seeds.size() - 1)];
        switch (i % 6) {
        case 0: {
            Bytes b = RandomBytes(rng, 120);
            if (!b.empty())
                b[0] = static_cast<std::uint8_t>(rng.Uniform(0, 1) ? rng.Uniform(0, 3)
                                                                   : rng.Uniform(0x40, 0x4F));
            return b;
        }
        case 1:
            return ByteView(seed).Sub(0, rng.Uniform(0, seed.size())).ToBytes();
        case 2: {
            Bytes b = seed;
            b[rng.Uniform(0, b.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
            return b;
        }
        case 3: {
            Bytes b = seed;
            const std::size_t at = 2 + 4 * rng.Uniform(0, b.size() / 4);
            if (at + 1 < b.size()) {
                b[at] = 0xFF;
                b[at + 1] = static_cast<std::uint8_t>(rng.U32());
            }
            return b;
        }
        case 4: {
            Bytes data = RandomBytes(rng, 40);
            return stun::EncodeChannelData(static_cast<std::uint16_t>(rng.Uniform(0x3FFF, 0x4003)),
                                           data, rng.Uniform(0, 1));
        }
        default:
            return rng.Uniform(0, 7) == 0 ? SignedSoup("alice", "wrong") : SignedSoup();
        }
    }

    void Drain() {
        while (auto t = server.PollTransmit()) {
            ++transmits;
            if (t->from == kServerAddress) {
                // To a client: a STUN message or ChannelData that decodes.
                const auto kind = stun::Classify(t->data);
                if (kind == stun::PacketKind::Stun)
                    ASSERT_TRUE(Message::Decode(t->data).Ok());
                else
                    ASSERT_TRUE(stun::DecodeChannelData(t->data).Ok());
            } else {
                // To a peer: from a relay socket in the configured range.
                ASSERT_EQ(t->from.address, kRelayLocal);
                ASSERT_GE(t->from.port, 24000);
                ASSERT_LE(t->from.port, 24007);
                ++to_peers;
            }
        }
        while (auto e = server.PollEvent())
            ++events;
    }

    Server server;
    Rng rng;
    Instant now{};
    std::vector<FiveTuple> tuples;
    std::string nonce;
    std::vector<Bytes> seeds;
    std::uint64_t transmits = 0;
    std::uint64_t to_peers = 0;
    std::uint64_t events = 0;
};

} // namespace

TEST(TurnFuzz, ServerInputPathsSurviveGeneratedInput) {
    Fixture f;
    for (int i = 0; i < kInputs; ++i) {
        f.now += std::chrono::milliseconds(f.rng.Uniform(0, 40));
        const Bytes input = f.Generate(i);
        const FiveTuple& tuple = f.tuples[f.rng.Uniform(0, f.tuples.size() - 1)];
        switch (f.rng.Uniform(0, 9)) {
        case 0: { // a peer sends to a relay port (live or not)
            const auto live = f.server.Allocations();
            Endpoint relay{kRelayLocal, static_cast<std::uint16_t>(f.rng.Uniform(23999, 24008))};
            if (!live.empty() && f.rng.Uniform(0, 1))
                relay = live[f.rng.Uniform(0, live.size() - 1)].relay;
            const Endpoint peer{
                IpAddress::V4(198, 51, 100, static_cast<std::uint8_t>(f.rng.Uniform(0, 3))),
                static_cast<std::uint16_t>(f.rng.Uniform(0, 3))};
            f.server.HandlePeerInput(relay, peer, input, f.now);
            break;
        }
        case 1:
            if (tuple.transport == Transport::Tcp && f.rng.Uniform(0, 20) == 0)
                f.server.HandleConnectionClosed(tuple, f.now);
            else
                f.server.HandleClientInput(tuple, input, f.now);
            break;
        default:
            f.server.HandleClientInput(tuple, input, f.now);
            break;
        }
        if (auto t = f.server.NextTimeout(); t && *t <= f.now)
            f.server.HandleTimeout(f.now);
        f.Drain();
        if (::testing::Test::HasFatalFailure())
            return;
    }
    const ServerCounters c = f.server.Counters();
    EXPECT_EQ(c.active_allocations, f.server.Allocations().size());
    EXPECT_EQ(c.active_allocations, c.allocations_udp + c.allocations_tcp);
    EXPECT_EQ(c.allocations_created,
              c.active_allocations + c.allocations_deleted + c.allocations_expired);
    // The generator reached every stage: auth, allocation, relaying, errors.
    EXPECT_GT(c.allocations_created, 5u);
    EXPECT_GT(c.allocations_deleted, 2u);
    EXPECT_GT(c.integrity_failures, 100u);
    EXPECT_GT(c.stale_nonces, 100u);
    EXPECT_GT(c.bad_requests, 100u);
    EXPECT_GT(c.dropped_malformed, 1000u);
    EXPECT_GT(c.relayed_to_clients + c.relayed_to_peers, 0u);
}

TEST(TurnFuzz, ClientInputSurvivesGeneratedInput) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), Ep("198.51.100.10", 50000));
    h.C(a).Allocate(h.now);
    h.Pump();
    ASSERT_EQ(h.C(a).GetState(), Client::State::Allocated);
    h.C(a).ChannelBind(Ep("198.51.100.200", 1), h.now);
    h.Pump();
    // Real server output to mutate: everything the server sent so far.
    std::vector<Bytes> seeds;
    for (const Transmit& t : h.server_transmits)
        seeds.push_back(t.data);
    seeds.push_back(stun::EncodeChannelData(0x4000, Bytes(9, 1), false));
    Rng rng = Rng(2024).Fork("turn-client-fuzz");
    for (int i = 0; i < kInputs; ++i) {
        const Bytes& seed = seeds[rng.Uniform(0, seeds.size() - 1)];
        Bytes input;
        switch (i % 3) {
        case 0:
            input = RandomBytes(rng, 100);
            break;
        case 1:
            input = ByteView(seed).Sub(0, rng.Uniform(0, seed.size())).ToBytes();
            break;
        default:
            input = seed;
            input[rng.Uniform(0, input.size() - 1)] ^=
                static_cast<std::uint8_t>(1u << rng.Uniform(0, 7));
            break;
        }
        h.C(a).HandleInput(input, kServerAddress, h.now);
        while (h.C(a).PollTransmit()) {
        }
        while (h.C(a).PollEvent()) {
        }
    }
    EXPECT_GT(h.C(a).DroppedInput(), 1000u);
    EXPECT_EQ(h.C(a).GetState(), Client::State::Allocated);
}
