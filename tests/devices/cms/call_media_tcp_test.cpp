// The Call Bridge's TURN over TCP (RFC 8656 section 3.1): its Allocate over UDP goes
// unanswered, and after the fallback time (or the UDP transaction's own give-up) it
// allocates over one TCP connection to the server's TCP port, with the same ICE
// credentials and what the browser signalled so far. The server here is a real
// turn::Server fed the stream's bytes as the TCP connection would carry them.
#include "cms/call_media.h"
#include "common/rng.h"
#include "stun/constants.h"
#include "stun/message.h"
#include "turn/server.h"
#include "webapp/ice_candidates.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

using namespace cmslab;
using namespace cmslab::cms;
using namespace std::chrono_literals;

namespace {

Endpoint TcpTestEp(const char* ip, std::uint16_t port) {
    return Endpoint{*IpAddress::Parse(ip), port};
}

const Endpoint kServerUdp = TcpTestEp("192.0.2.8", 3478);
const Endpoint kCmsPort = TcpTestEp("198.51.100.4", 40001);
constexpr std::uint16_t kTcpPort = 443;

CallMediaConfig TcpFallbackConfig(std::uint16_t tcp_port) {
    CallMediaConfig c;
    c.session.turn_server = kServerUdp;
    c.session.username = "user";
    c.session.password = "secret";
    c.turn_tcp_port = tcp_port;
    return c;
}

turn::ServerConfig TcpTestServer() {
    turn::ServerConfig c;
    c.realm = "lab";
    c.users = {{"user", "secret"}};
    c.relays = {{*IpAddress::Parse("192.0.2.8"), *IpAddress::Parse("192.0.2.8")}};
    return c;
}

// The call's media with what it emits collected; UDP datagrams go nowhere.
struct TcpFallbackCall {
    CallMedia media;
    Instant now{};
    std::vector<CallMediaEvent> events;
    std::vector<webapp::SignalingMessage> signaled;
    std::size_t udp_sent = 0;
    Bytes stream; // what went to the TCP connection

    explicit TcpFallbackCall(std::uint16_t tcp_port)
        : media(TcpFallbackConfig(tcp_port), Rng(11)) {}

    void Pump() {
        while (auto d = media.PollDatagram()) {
            if (media.OverTcp())
                stream.insert(stream.end(), d->data.begin(), d->data.end());
            else
                ++udp_sent;
        }
        while (auto s = media.PollSignaling())
            signaled.push_back(*s);
        while (auto e = media.PollEvent())
            events.push_back(*e);
    }
    // Timers fire as due until `until`.
    void RunUntil(Instant until) {
        while (auto next = media.NextTimeout()) {
            if (*next > until)
                break;
            now = *next;
            media.HandleTimeout(now);
            Pump();
        }
        now = until;
    }
    template <class E> std::vector<E> EventsOf() const {
        std::vector<E> out;
        for (const auto& e : events)
            if (const auto* x = std::get_if<E>(&e))
                out.push_back(*x);
        return out;
    }
};

} // namespace

TEST(CallMediaTcp, UnansweredUdpAllocateFallsBackToTcpAfterFiveSeconds) {
    TcpFallbackCall call(kTcpPort);
    call.media.Start(call.now);
    call.Pump();
    EXPECT_FALSE(call.media.OverTcp());
    call.RunUntil(call.now + 4900ms);
    EXPECT_FALSE(call.media.OverTcp());
    EXPECT_GE(call.udp_sent, 3u) << "the UDP Allocate and its retransmissions";
    call.RunUntil(call.now + 200ms);
    ASSERT_TRUE(call.media.OverTcp());
    const auto fallbacks = call.EventsOf<TurnTcpFallbackEvent>();
    ASSERT_EQ(fallbacks.size(), 1u);
    EXPECT_EQ(fallbacks[0].server, kServerUdp);
    EXPECT_EQ(fallbacks[0].why, "no answer after 5 s");
    EXPECT_EQ(fallbacks[0].tcp_server, TcpTestEp("192.0.2.8", kTcpPort));
    EXPECT_EQ(call.media.TurnServer(), TcpTestEp("192.0.2.8", kTcpPort));
    // The stream starts with an Allocate request (RFC 8656: STUN framed by its own length).
    auto allocate = stun::Message::Decode(call.stream);
    ASSERT_TRUE(allocate) << allocate.Message();
    EXPECT_TRUE(allocate->IsRequest());
    EXPECT_EQ(allocate->Method(), stun::method::kAllocate);
    EXPECT_FALSE(call.media.Failed());
    // Nothing more goes over UDP, and a late UDP answer is ignored.
    const std::size_t udp_before = call.udp_sent;
    call.RunUntil(call.now + 10s);
    EXPECT_EQ(call.udp_sent, udp_before);
}

TEST(CallMediaTcp, WithoutATcpPortTheSilenceIsIceFailure2) {
    TcpFallbackCall call(0);
    call.media.Start(call.now);
    call.Pump();
    call.RunUntil(call.now + 60s);
    EXPECT_FALSE(call.media.OverTcp());
    EXPECT_TRUE(call.EventsOf<TurnTcpFallbackEvent>().empty());
    const auto failures = call.EventsOf<IceFailureEvent>();
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].code, 2);
    EXPECT_EQ(failures[0].reason, "no response from TURN server");
}

TEST(CallMediaTcp, AllocatesOverTcpAndKeepsItsIceCredentialsAndThePeersCandidates) {
    TcpFallbackCall call(kTcpPort);
    turn::Server server(TcpTestServer(), Rng(5));
    const turn::FiveTuple tuple{turn::Transport::Tcp, kCmsPort, TcpTestEp("192.0.2.8", kTcpPort)};
    call.media.Start(call.now);
    call.Pump();
    // The browser's signaling comes before the fallback: its relay needs a permission on
    // the allocation made over TCP.
    call.media.OnSignaling(webapp::IceParametersMessage{"bRoWsErUfRaG", "browserpasswordbrowserpw"},
                           call.now);
    webapp::CandidateMessage peer;
    peer.foundation = "1";
    peer.component = 1;
    peer.transport = "udp";
    peer.priority = 16777215;
    peer.address = "203.0.113.50";
    peer.port = 25000;
    peer.type = ice::CandidateType::Relayed;
    call.media.OnSignaling(peer, call.now);
    call.media.OnSignaling(webapp::EndOfCandidatesMessage{}, call.now);
    call.Pump();
    call.RunUntil(call.now + 5s);
    ASSERT_TRUE(call.media.OverTcp());

    // The stream's bytes to the server and back, in pieces as TCP may cut them.
    for (int round = 0; round < 8; ++round) {
        Bytes out;
        out.swap(call.stream);
        for (std::size_t i = 0; i < out.size(); i += 7)
            server.HandleClientInput(
                tuple, ByteView(out.data() + i, std::min<std::size_t>(7, out.size() - i)),
                call.now);
        while (auto t = server.PollTransmit()) {
            EXPECT_EQ(t->transport, turn::Transport::Tcp);
            call.media.OnStreamData(t->data, call.now);
        }
        call.Pump();
        call.now += 10ms;
    }
    EXPECT_EQ(call.media.Turn().GetState(), turn::Client::State::Allocated);
    EXPECT_EQ(server.Counters().allocations_tcp, 1u);
    const auto allocated = call.EventsOf<TurnAllocatedOverTcpEvent>();
    ASSERT_EQ(allocated.size(), 1u);
    EXPECT_EQ(allocated[0].server, TcpTestEp("192.0.2.8", kTcpPort));
    EXPECT_EQ(allocated[0].relay, call.media.Turn().RelayedAddress());
    // The relayed candidate is signalled once, with the credentials signalled at the start.
    std::size_t candidates = 0, credentials = 0;
    for (const auto& m : call.signaled) {
        if (std::holds_alternative<webapp::CandidateMessage>(m))
            ++candidates;
        if (const auto* p = std::get_if<webapp::IceParametersMessage>(&m)) {
            ++credentials;
            EXPECT_EQ(p->ufrag, call.media.Ice().LocalCredentials().ufrag);
        }
    }
    EXPECT_EQ(candidates, 1u);
    EXPECT_EQ(credentials, 1u);
    // The browser's relay got its permission on the new allocation.
    bool permitted = false;
    for (const auto& e : call.EventsOf<MediaNoteEvent>())
        permitted = permitted || e.text == "TURN permission created for 203.0.113.50";
    EXPECT_TRUE(permitted);
    EXPECT_TRUE(call.EventsOf<IceFailureEvent>().empty());
}

TEST(CallMediaTcp, AClosedConnectionBeforeTheRelayIsIceFailure2) {
    TcpFallbackCall call(kTcpPort);
    call.media.Start(call.now);
    call.Pump();
    call.RunUntil(call.now + 5s);
    ASSERT_TRUE(call.media.OverTcp());
    call.media.OnStreamClosed("connect timed out", call.now);
    call.Pump();
    const auto failures = call.EventsOf<IceFailureEvent>();
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].code, 2);
    EXPECT_EQ(failures[0].reason,
              "no response from TURN server over UDP or TCP (TCP: connect timed out)");
    EXPECT_TRUE(call.media.Failed());
}

TEST(CallMediaTcp, AChallengeOverUdpKeepsTheCallOnUdp) {
    TcpFallbackCall call(kTcpPort);
    turn::Server server(TcpTestServer(), Rng(5));
    call.media.Start(call.now);
    auto first = call.media.PollDatagram();
    ASSERT_TRUE(first);
    server.HandleClientInput(turn::FiveTuple{turn::Transport::Udp, kCmsPort, kServerUdp},
                             first->data, call.now);
    auto challenge = server.PollTransmit();
    ASSERT_TRUE(challenge);
    call.media.OnDatagram(kServerUdp, challenge->data, call.now);
    call.Pump();
    call.RunUntil(call.now + 10s);
    EXPECT_FALSE(call.media.OverTcp());
    EXPECT_TRUE(call.EventsOf<TurnTcpFallbackEvent>().empty());
}
