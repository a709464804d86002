// The TURN client and server driven against each other in memory.
#include "harness.h"
#include "stun/channel_data.h"
#include "stun/demux.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::turn;
using namespace cmslab::turn::test;
namespace ce = client_event;
namespace se = server_event;

namespace {

const Endpoint kClientA = Ep("198.51.100.10", 50000);
const Endpoint kClientB = Ep("198.51.100.11", 50001);
const Endpoint kPeer = Ep("198.51.100.200", 40000);

Bytes Text(std::string_view s) {
    return ByteView(s).ToBytes();
}

// Allocates for client i and checks it worked.
void Allocate(Harness& h, std::size_t i) {
    h.C(i).Allocate(h.now);
    h.Pump();
    ASSERT_EQ(h.C(i).GetState(), Client::State::Allocated);
}

} // namespace

TEST(TurnClientServer, AllocateIsChallengedThenSucceedsWithTheAdvertisedAddress) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    h.C(a).Allocate(h.now);
    h.Pump();

    const auto& events = h.nodes[a].events;
    ASSERT_EQ(events.size(), 2u);
    const auto* challenged = std::get_if<ce::Challenged>(&events[0]);
    ASSERT_NE(challenged, nullptr);
    EXPECT_EQ(challenged->realm, "example.org");
    const auto* allocated = std::get_if<ce::AllocateSuccess>(&events[1]);
    ASSERT_NE(allocated, nullptr);
    EXPECT_EQ(allocated->relayed.address, kRelayAdvertised);
    EXPECT_GE(allocated->relayed.port, 24000);
    EXPECT_LE(allocated->relayed.port, 29999);
    EXPECT_EQ(allocated->mapped, kClientA);
    EXPECT_EQ(allocated->lifetime, 600u);
    EXPECT_EQ(h.C(a).RelayedAddress(), allocated->relayed);

    // Two Allocates on the wire: the first without credentials, the second with them.
    ASSERT_EQ(h.nodes[a].sent.size(), 2u);
    auto first = stun::Message::Decode(h.nodes[a].sent[0].second);
    auto second = stun::Message::Decode(h.nodes[a].sent[1].second);
    ASSERT_TRUE(first.Ok() && second.Ok());
    EXPECT_FALSE(first->Has(stun::attr::kMessageIntegrity));
    EXPECT_FALSE(first->Has(stun::attr::kUsername));
    EXPECT_TRUE(second->Has(stun::attr::kMessageIntegrity));
    EXPECT_EQ(second->GetUsername(), std::optional<std::string>("alice"));
    EXPECT_EQ(second->GetRealm(), std::optional<std::string>("example.org"));

    // The server's view: relay socket on the local address, same port as advertised.
    const auto opened = h.ServerEventsOf<se::RelayOpened>();
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_EQ(opened[0].relay.address, kRelayLocal);
    EXPECT_EQ(opened[0].relay.port, allocated->relayed.port);
    const auto created = h.ServerEventsOf<se::AllocationCreated>();
    ASSERT_EQ(created.size(), 1u);
    EXPECT_EQ(created[0].relay, opened[0].relay);
    EXPECT_EQ(created[0].advertised, allocated->relayed);
    EXPECT_EQ(h.ServerEventsOf<se::Challenged>().size(), 1u);
    const ServerCounters c = h.server.Counters();
    EXPECT_EQ(c.active_allocations, 1u);
    EXPECT_EQ(c.active_clients, 1u);
    EXPECT_EQ(c.allocations_udp, 1u);
    EXPECT_EQ(c.allocations_tcp, 0u);
    EXPECT_EQ(c.challenges, 1u);
    EXPECT_EQ(c.integrity_failures, 0u);
    const auto allocations = h.server.Allocations();
    ASSERT_EQ(allocations.size(), 1u);
    EXPECT_EQ(allocations[0].username, "alice");
    EXPECT_EQ(allocations[0].tuple.client, kClientA);
}

TEST(TurnClientServer, DataFlowsBothWaysThroughSendDataAndChannels) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    Allocate(h, a);
    const Endpoint relay = h.server.Allocations()[0].relay;

    // Without a permission the relay drops in both directions.
    EXPECT_TRUE(h.C(a).Send(kPeer, Text("too early"), h.now));
    h.Pump();
    EXPECT_TRUE(h.to_peers.empty());
    h.PeerSends(kPeer, relay, Text("knock"));
    EXPECT_TRUE(h.EventsOf<ce::Data>(a).empty());
    EXPECT_EQ(h.server.Counters().dropped_unpermitted, 2u);

    ASSERT_TRUE(h.C(a).CreatePermission(kPeer.address, h.now));
    h.Pump();
    ASSERT_EQ(h.EventsOf<ce::PermissionSuccess>(a).size(), 1u);
    EXPECT_TRUE(h.C(a).HasPermission(kPeer.address, h.now));

    // Send indication out, Data indication in.
    h.C(a).Send(kPeer, Text("hello peer"), h.now);
    h.Pump();
    ASSERT_EQ(h.to_peers.size(), 1u);
    EXPECT_EQ(h.to_peers[0].from, relay);
    EXPECT_EQ(h.to_peers[0].to, kPeer);
    EXPECT_EQ(h.to_peers[0].data, Text("hello peer"));
    EXPECT_EQ(stun::Classify(h.nodes[a].sent.back().second), stun::PacketKind::Stun);
    h.PeerSends(kPeer, relay, Text("hello client"));
    auto data = h.EventsOf<ce::Data>(a);
    ASSERT_EQ(data.size(), 1u);
    EXPECT_EQ(data[0].peer, kPeer);
    EXPECT_EQ(data[0].data, Text("hello client"));
    EXPECT_EQ(data[0].channel, 0);

    // A peer on another address is still refused.
    h.PeerSends(Ep("198.51.100.201", 40000), relay, Text("stranger"));
    EXPECT_EQ(h.EventsOf<ce::Data>(a).size(), 1u);
    EXPECT_EQ(h.server.Counters().dropped_unpermitted, 3u);

    // ChannelBind, then ChannelData both ways.
    ASSERT_TRUE(h.C(a).ChannelBind(kPeer, h.now));
    h.Pump();
    const auto bound = h.EventsOf<ce::ChannelBindSuccess>(a);
    ASSERT_EQ(bound.size(), 1u);
    EXPECT_EQ(bound[0].channel, 0x4000);
    EXPECT_EQ(h.C(a).ChannelFor(kPeer), 0x4000);
    h.C(a).Send(kPeer, Text("via channel"), h.now);
    h.Pump();
    EXPECT_EQ(stun::Classify(h.nodes[a].sent.back().second), stun::PacketKind::ChannelData);
    EXPECT_EQ(h.nodes[a].sent.back().second.size(), 4u + 11u); // not padded on UDP
    ASSERT_EQ(h.to_peers.size(), 2u);
    EXPECT_EQ(h.to_peers[1].data, Text("via channel"));
    EXPECT_EQ(h.to_peers[1].from, relay);
    h.PeerSends(kPeer, relay, Text("back via channel"));
    data = h.EventsOf<ce::Data>(a);
    ASSERT_EQ(data.size(), 2u);
    EXPECT_EQ(data[1].channel, 0x4000);
    EXPECT_EQ(data[1].peer, kPeer);
    EXPECT_EQ(data[1].data, Text("back via channel"));
    EXPECT_EQ(stun::Classify(h.server_transmits.back().data), stun::PacketKind::ChannelData);

    const ServerCounters c = h.server.Counters();
    EXPECT_EQ(c.relayed_to_peers, 2u);
    EXPECT_EQ(c.relayed_to_clients, 2u);
    EXPECT_EQ(c.channels, 1u);
    EXPECT_EQ(c.permissions, 1u);
}

TEST(TurnClientServer, WrongPasswordGets431ByDefault) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig("alice", "wrong"), kClientA);
    h.C(a).Allocate(h.now);
    h.Pump();
    const auto failures = h.EventsOf<ce::AllocateFailure>(a);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].error.code, 431);
    EXPECT_EQ(failures[0].error.reason, "Integrity Check Failure");
    EXPECT_EQ(h.C(a).GetState(), Client::State::Failed);
    EXPECT_EQ(h.server.Counters().integrity_failures, 1u);
    EXPECT_EQ(h.server.Counters().active_allocations, 0u);
    const auto auth = h.ServerEventsOf<se::AuthFailure>();
    ASSERT_EQ(auth.size(), 1u);
    EXPECT_EQ(auth[0].username, "alice");
    EXPECT_EQ(auth[0].code, 431);
    // An unknown user is refused the same way.
    const auto b = h.AddClient(DefaultClientConfig("mallory", "secret"), kClientB);
    h.C(b).Allocate(h.now);
    h.Pump();
    ASSERT_EQ(h.EventsOf<ce::AllocateFailure>(b).size(), 1u);
    EXPECT_EQ(h.EventsOf<ce::AllocateFailure>(b)[0].error.code, 431);
}

TEST(TurnClientServer, WrongPasswordGets401WhenConfiguredAsCoturn) {
    ServerConfig config = DefaultServerConfig();
    config.integrity_failure_code = 401;
    Harness h(config);
    const auto a = h.AddClient(DefaultClientConfig("alice", "wrong"), kClientA);
    h.C(a).Allocate(h.now);
    h.Pump();
    const auto failures = h.EventsOf<ce::AllocateFailure>(a);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].error.code, 401);
    EXPECT_EQ(failures[0].error.reason, "Unauthorized");
    // One challenge only: a 401 to a request that had credentials is final.
    EXPECT_EQ(h.EventsOf<ce::Challenged>(a).size(), 1u);
    EXPECT_EQ(h.nodes[a].sent.size(), 2u);
}

TEST(TurnClientServer, StaleNonceIsAnswered438AndTheRetrySucceeds) {
    ServerConfig config = DefaultServerConfig();
    config.nonce_lifetime = 60s;
    Harness h(config);
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    Allocate(h, a);
    h.RunUntil(100s);
    ASSERT_TRUE(h.C(a).CreatePermission(kPeer.address, h.now));
    h.Pump();
    EXPECT_EQ(h.server.Counters().stale_nonces, 1u);
    EXPECT_EQ(h.ServerEventsOf<se::StaleNonce>().size(), 1u);
    ASSERT_EQ(h.EventsOf<ce::PermissionSuccess>(a).size(), 1u);
    EXPECT_TRUE(h.EventsOf<ce::PermissionFailure>(a).empty());
    // The last two requests: the stale one and its retry with a different nonce.
    const auto& sent = h.nodes[a].sent;
    auto stale = stun::Message::Decode(sent[sent.size() - 2].second);
    auto retry = stun::Message::Decode(sent[sent.size() - 1].second);
    ASSERT_TRUE(stale.Ok() && retry.Ok());
    EXPECT_NE(stale->GetNonce(), retry->GetNonce());
    EXPECT_NE(stale->Id(), retry->Id());
}

TEST(TurnClientServer, UserQuotaAnswers486AndCapacity508) {
    ServerConfig config = DefaultServerConfig();
    config.per_user_quota = 2;
    config.relay_capacity = 3;
    Harness h(config);
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    const auto a2 = h.AddClient(DefaultClientConfig(), kClientB);
    const auto a3 = h.AddClient(DefaultClientConfig(), Ep("198.51.100.14", 1));
    const auto b = h.AddClient(DefaultClientConfig("bob", "hunter2"), Ep("198.51.100.12", 1));
    const auto b2 = h.AddClient(DefaultClientConfig("bob", "hunter2"), Ep("198.51.100.13", 1));
    Allocate(h, a);
    Allocate(h, a2);
    h.C(a3).Allocate(h.now); // alice's third: her quota of two (RFC 8656 section 7.2)
    h.Pump();
    ASSERT_EQ(h.EventsOf<ce::AllocateFailure>(a3).size(), 1u);
    EXPECT_EQ(h.EventsOf<ce::AllocateFailure>(a3)[0].error.code, 486);
    EXPECT_EQ(h.EventsOf<ce::AllocateFailure>(a3)[0].error.reason, "Allocation Quota Reached");
    Allocate(h, b);
    // Bob is under his own quota but the server holds its three: its capacity, 508.
    h.C(b2).Allocate(h.now);
    h.Pump();
    ASSERT_EQ(h.EventsOf<ce::AllocateFailure>(b2).size(), 1u);
    EXPECT_EQ(h.EventsOf<ce::AllocateFailure>(b2)[0].error.code, 508);
    EXPECT_EQ(h.EventsOf<ce::AllocateFailure>(b2)[0].error.reason, "Insufficient Capacity");
    EXPECT_EQ(h.server.Counters().quota_rejections, 1u);
    EXPECT_EQ(h.server.Counters().capacity_rejections, 1u);
    EXPECT_EQ(h.server.Counters().active_allocations, 3u);
    EXPECT_EQ(h.server.Counters().peak_allocations, 3u);
    // Freeing one makes room again.
    h.C(a).Close(h.now);
    h.Pump();
    const auto c = h.AddClient(DefaultClientConfig("bob", "hunter2"), Ep("198.51.100.15", 1));
    Allocate(h, c);
    EXPECT_EQ(h.server.Counters().peak_allocations, 3u);
}

TEST(TurnClientServer, AllocationsPermissionsAndChannelsExpireWithoutRefresh) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    Allocate(h, a);
    h.C(a).CreatePermission(kPeer.address, h.now);
    h.C(a).ChannelBind(kPeer, h.now);
    h.Pump();
    const Endpoint relay = h.server.Allocations()[0].relay;
    // The client goes silent (its host vanished): nothing refreshes.
    h.nodes[a].connected = false;
    h.RunUntil(301s);
    EXPECT_EQ(h.server.Counters().permissions, 0u);
    EXPECT_EQ(h.server.Counters().channels, 1u);
    h.PeerSends(kPeer, relay, Text("late"));
    EXPECT_EQ(h.server.Counters().dropped_unpermitted, 1u);
    h.RunUntil(600s + 1ms);
    EXPECT_EQ(h.server.Counters().active_allocations, 0u);
    EXPECT_EQ(h.server.Counters().allocations_expired, 1u);
    ASSERT_EQ(h.ServerEventsOf<se::AllocationExpired>().size(), 1u);
    const auto closed = h.ServerEventsOf<se::RelayClosed>();
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].relay, relay);
    h.PeerSends(kPeer, relay, Text("later"));
    EXPECT_EQ(h.server.Counters().dropped_no_allocation, 1u);
    EXPECT_FALSE(h.server.NextTimeout().has_value());
}

TEST(TurnClientServer, TheClientRefreshesBeforeAnythingExpires) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    Allocate(h, a);
    h.C(a).ChannelBind(kPeer, h.now);
    h.Pump();
    const Endpoint relay = h.server.Allocations()[0].relay;
    h.RunUntil(2000s);
    EXPECT_EQ(h.server.Counters().active_allocations, 1u);
    EXPECT_EQ(h.server.Counters().allocations_expired, 0u);
    // Allocation refreshed at 540 s, 1080 s, 1620 s (60 s before each 600 s lifetime ends).
    const auto refreshes = h.ServerEventsOf<se::AllocationRefreshed>();
    EXPECT_EQ(refreshes.size(), 3u);
    EXPECT_EQ(h.EventsOf<ce::RefreshSuccess>(a).size(), 3u);
    // Channel and permission still good at 2000 s: data flows both ways.
    h.C(a).Send(kPeer, Text("still here"), h.now);
    h.Pump();
    ASSERT_FALSE(h.to_peers.empty());
    EXPECT_EQ(h.to_peers.back().data, Text("still here"));
    h.PeerSends(kPeer, relay, Text("me too"));
    ASSERT_EQ(h.EventsOf<ce::Data>(a).size(), 1u);
    EXPECT_EQ(h.EventsOf<ce::Data>(a)[0].channel, 0x4000);
    EXPECT_EQ(h.server.Counters().dropped_unpermitted, 0u);
}

TEST(TurnClientServer, CloseDeletesTheAllocation) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    Allocate(h, a);
    h.C(a).Close(h.now);
    h.Pump();
    EXPECT_EQ(h.C(a).GetState(), Client::State::Closed);
    EXPECT_EQ(h.EventsOf<ce::Closed>(a).size(), 1u);
    EXPECT_EQ(h.server.Counters().active_allocations, 0u);
    EXPECT_EQ(h.server.Counters().allocations_deleted, 1u);
    EXPECT_EQ(h.ServerEventsOf<se::AllocationDeleted>().size(), 1u);
    EXPECT_FALSE(h.C(a).NextTimeout().has_value());
}

TEST(TurnClientServer, UdpRetransmissionFollowsRfc8489Timing) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    h.nodes[a].connected = false; // the server never hears it
    h.C(a).Allocate(h.now);
    h.RunUntil(60s);
    std::vector<double> times;
    for (const auto& [t, bytes] : h.nodes[a].sent)
        times.push_back(std::chrono::duration<double>(t).count());
    EXPECT_EQ(times, (std::vector<double>{0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5}));
    // All seven are the same request.
    for (const auto& [t, bytes] : h.nodes[a].sent)
        EXPECT_EQ(bytes, h.nodes[a].sent[0].second);
    const auto failures = h.EventsOf<ce::AllocateFailure>(a);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].error.code, 0);
    EXPECT_EQ(failures[0].error.reason, "timeout");
    EXPECT_EQ(h.C(a).GetState(), Client::State::Failed);
    EXPECT_FALSE(h.C(a).NextTimeout().has_value());
}

TEST(TurnClientServer, ALostRequestIsRecoveredByItsRetransmission) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    h.drop_next_from_clients = 2; // the first Allocate and its first retransmission
    h.C(a).Allocate(h.now);
    h.RunUntil(5s);
    ASSERT_EQ(h.C(a).GetState(), Client::State::Allocated);
    // Sent at 0 and 0.5 (lost), 1.5 (answered 401), then the authenticated Allocate.
    ASSERT_EQ(h.nodes[a].sent.size(), 4u);
    EXPECT_EQ(h.nodes[a].sent[2].first, Instant(1500ms));
    EXPECT_EQ(h.nodes[a].sent[3].first, Instant(1500ms));
}

TEST(TurnClientServer, RetransmittedAllocateGetsTheSameSuccess) {
    Harness h;
    const auto a = h.AddClient(DefaultClientConfig(), kClientA);
    Allocate(h, a);
    const Bytes allocate = h.nodes[a].sent.back().second;
    const Bytes first_answer = h.server_transmits.back().data;
    const FiveTuple tuple{Transport::Udp, kClientA, kServerAddress};
    h.server.HandleClientInput(tuple, allocate, h.now);
    auto again = h.server.PollTransmit();
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->data, first_answer);
    EXPECT_EQ(h.server.Counters().active_allocations, 1u);
    EXPECT_EQ(h.server.Counters().allocations_created, 1u);
}

TEST(TurnClientServer, TcpClientAllocatesAndRelaysWithPaddedChannelData) {
    Harness h;
    h.tcp_byte_by_byte = true; // the server must reassemble the stream
    ClientConfig config = DefaultClientConfig();
    config.transport = Transport::Tcp;
    const auto a = h.AddClient(config, kClientA);
    Allocate(h, a);
    EXPECT_EQ(h.server.Counters().allocations_tcp, 1u);
    EXPECT_EQ(h.server.Counters().allocations_udp, 0u);
    h.C(a).ChannelBind(kPeer, h.now);
    h.Pump();
    ASSERT_EQ(h.C(a).ChannelFor(kPeer), 0x4000);
    h.C(a).Send(kPeer, Text("12345"), h.now);
    h.Pump();
    EXPECT_EQ(h.nodes[a].sent.back().second.size(), 12u); // 4 + 5, padded to 12
    ASSERT_EQ(h.to_peers.size(), 1u);
    EXPECT_EQ(h.to_peers[0].data, Text("12345"));
    const Endpoint relay = h.server.Allocations()[0].relay;
    h.PeerSends(kPeer, relay, Text("abc"));
    EXPECT_EQ(h.server_transmits.back().data.size(), 8u); // 4 + 3, padded to 8
    EXPECT_EQ(h.server_transmits.back().transport, Transport::Tcp);
    ASSERT_EQ(h.EventsOf<ce::Data>(a).size(), 1u);
    EXPECT_EQ(h.EventsOf<ce::Data>(a)[0].data, Text("abc"));

    // TCP has no retransmissions: one send, then a 39.5 s give-up.
    const auto b = h.AddClient(config, kClientB);
    h.nodes[b].connected = false;
    h.C(b).Allocate(h.now);
    h.RunUntil(h.now + 60s);
    EXPECT_EQ(h.nodes[b].sent.size(), 1u);
    EXPECT_EQ(h.EventsOf<ce::AllocateFailure>(b).size(), 1u);

    // Closing the connection deletes the allocation.
    h.server.HandleConnectionClosed(FiveTuple{Transport::Tcp, kClientA, kServerAddress}, h.now);
    EXPECT_EQ(h.server.Counters().active_allocations, 0u);
}

TEST(TurnClientServer, SameSeedSameBytes) {
    auto run = [] {
        Harness h(DefaultServerConfig(), 77);
        const auto a = h.AddClient(DefaultClientConfig(), kClientA);
        Allocate(h, a);
        h.C(a).ChannelBind(kPeer, h.now);
        h.RunUntil(700s);
        Bytes all;
        for (const Transmit& t : h.server_transmits)
            all.insert(all.end(), t.data.begin(), t.data.end());
        for (const auto& [t, bytes] : h.nodes[a].sent)
            all.insert(all.end(), bytes.begin(), bytes.end());
        return all;
    };
    const Bytes first = run();
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(first, run());
}
