// The TURN server alone, fed hand-made requests: each error path answers what RFC 8656
// (or the configured Expressway-E behaviour) says.
#include "harness.h"
#include "stun/integrity.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace cmslab;
using namespace cmslab::turn;
using namespace cmslab::turn::test;
using stun::Message;
namespace attr = stun::attr;
namespace method = stun::method;

namespace {

const FiveTuple kTuple{Transport::Udp, Ep("198.51.100.10", 50000), kServerAddress};

class ServerAlone : public ::testing::Test {
  protected:
    explicit ServerAlone(ServerConfig config = DefaultServerConfig())
        : m_server(std::move(config), Rng(5)), m_rng(6) {}

    // Sends raw bytes, returns the single answer (or nullopt).
    std::optional<Message> Exchange(ByteView bytes, const FiveTuple& tuple = kTuple) {
        m_server.HandleClientInput(tuple, bytes, m_now);
        std::optional<Message> answer;
        while (auto t = m_server.PollTransmit()) {
            EXPECT_FALSE(answer.has_value()) << "more than one answer";
            EXPECT_EQ(t->to, tuple.client);
            EXPECT_EQ(t->from, tuple.server);
            auto m = Message::Decode(t->data);
            EXPECT_TRUE(m.Ok());
            if (m)
                answer = *m;
        }
        while (m_server.PollEvent()) {
        }
        return answer;
    }

    std::string Nonce() {
        Message m = Message::Make(stun::Class::Request, method::kAllocate, m_rng);
        m.AddRequestedTransport(stun::kProtocolUdp);
        auto answer = Exchange(m.Encode());
        EXPECT_TRUE(answer.has_value());
        return answer ? answer->GetNonce().value_or("") : "";
    }

    // Signs `m` as alice (or `user`/`pass`) with a fresh nonce and sends it.
    std::optional<Message> Signed(Message m, const std::string& user = "alice",
                                  const std::string& pass = "secret",
                                  const FiveTuple& tuple = kTuple, bool fingerprint = false) {
        const std::string nonce = Nonce();
        m.AddUsername(user);
        m.AddRealm("example.org");
        m.AddNonce(nonce);
        stun::EncodeOptions options;
        options.integrity_key = Key(user, pass);
        options.fingerprint = fingerprint;
        return Exchange(m.Encode(options), tuple);
    }

    static Bytes Key(const std::string& user = "alice", const std::string& pass = "secret") {
        return stun::LongTermKey(user, "example.org", pass);
    }

    Message Request(std::uint16_t m) { return Message::Make(stun::Class::Request, m, m_rng); }
    Message AllocateRequest() {
        Message m = Request(method::kAllocate);
        m.AddRequestedTransport(stun::kProtocolUdp);
        return m;
    }

    static std::uint16_t Code(const std::optional<Message>& m) {
        if (!m || m->MessageClass() != stun::Class::ErrorResponse)
            return 0;
        return m->GetErrorCode() ? m->GetErrorCode()->code : 1;
    }

    Server m_server;
    Rng m_rng;
    Instant m_now{};
};

// True when `needle` occurs in `hay` byte for byte.
bool HasBytes(const Bytes& hay, const Bytes& needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

class ServerWithTwoPorts : public ServerAlone {
  protected:
    static ServerConfig Config() {
        ServerConfig c = DefaultServerConfig();
        c.min_port = 24000;
        c.max_port = 24001;
        return c;
    }
    ServerWithTwoPorts() : ServerAlone(Config()) {}
};

} // namespace

TEST_F(ServerAlone, ChallengeCarriesRealmAndNonceAndNoIntegrity) {
    auto answer = Exchange(AllocateRequest().Encode());
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(Code(answer), 401);
    EXPECT_EQ(answer->GetRealm(), std::optional<std::string>("example.org"));
    EXPECT_FALSE(answer->GetNonce().value_or("").empty());
    EXPECT_FALSE(answer->Has(attr::kMessageIntegrity));
    EXPECT_EQ(answer->GetSoftware(), std::optional<std::string>("cmslab-turn"));
    // Every challenge hands out a new nonce.
    EXPECT_NE(Nonce(), Nonce());
}

TEST_F(ServerAlone, SuccessIsSignedWithTheUsersKeyAndFingerprintedWhenAskedTo) {
    auto answer = Signed(AllocateRequest(), "alice", "secret", kTuple, true);
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->MessageClass(), stun::Class::SuccessResponse);
    EXPECT_EQ(stun::CheckMessageIntegrity(*answer, Key()), stun::Check::Valid);
    EXPECT_EQ(stun::CheckFingerprint(*answer), stun::Check::Valid);
    EXPECT_EQ(answer->GetXorAddress(attr::kXorMappedAddress), kTuple.client);
    EXPECT_EQ(answer->GetXorAddress(attr::kXorRelayedAddress)->address, kRelayAdvertised);
    EXPECT_EQ(answer->GetLifetime(), std::optional<std::uint32_t>(600));
}

TEST_F(ServerAlone, AllocateErrorsFollowRfc8656) {
    // No REQUESTED-TRANSPORT: 400.
    EXPECT_EQ(Code(Signed(Request(method::kAllocate))), 400);
    // TCP relaying is not offered: 442.
    Message tcp = Request(method::kAllocate);
    tcp.AddRequestedTransport(stun::kProtocolTcp);
    EXPECT_EQ(Code(Signed(tcp)), 442);
    // IPv6 relay asked for, none configured: 440.
    Message v6 = AllocateRequest();
    v6.Add(attr::kRequestedAddressFamily, Bytes{0x02, 0, 0, 0});
    EXPECT_EQ(Code(Signed(v6)), 440);
    // An attribute the server does not understand: 420 listing it (DONT-FRAGMENT here: the
    // relay cannot set DF, RFC 8656 section 7.2).
    Message df = AllocateRequest();
    df.Add(attr::kDontFragment, ByteView());
    auto answer = Signed(df);
    EXPECT_EQ(Code(answer), 420);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->GetUnknownAttributes(), std::optional<std::vector<std::uint16_t>>(
                                                  std::vector<std::uint16_t>{attr::kDontFragment}));
    EXPECT_EQ(stun::CheckMessageIntegrity(*answer, Key()), stun::Check::Valid);
    // Success, then a second Allocate on the same 5-tuple: 437.
    ASSERT_EQ(Code(Signed(AllocateRequest())), 0);
    EXPECT_EQ(Code(Signed(AllocateRequest())), 437);
    EXPECT_EQ(m_server.Counters().active_allocations, 1u);
    EXPECT_EQ(m_server.Counters().bad_requests, 1u);
}

TEST_F(ServerAlone, LifetimeIsClampedBetweenDefaultAndMaximum) {
    Message longer = AllocateRequest();
    longer.AddLifetime(100000);
    EXPECT_EQ(Signed(longer)->GetLifetime(), std::optional<std::uint32_t>(3600));
    Message shorter = AllocateRequest();
    shorter.AddLifetime(10);
    const FiveTuple other{Transport::Udp, Ep("198.51.100.10", 50001), kServerAddress};
    EXPECT_EQ(Signed(shorter, "alice", "secret", other)->GetLifetime(),
              std::optional<std::uint32_t>(600));
    Message refresh = Request(method::kRefresh);
    refresh.AddLifetime(1200);
    auto answer = Signed(refresh);
    ASSERT_EQ(Code(answer), 0);
    EXPECT_EQ(answer->GetLifetime(), std::optional<std::uint32_t>(1200));
}

TEST_F(ServerAlone, AuthenticationFailuresInRfcOrder) {
    // MESSAGE-INTEGRITY without USERNAME/REALM/NONCE: 400.
    Message bare = AllocateRequest();
    stun::EncodeOptions options;
    options.integrity_key = Key();
    EXPECT_EQ(Code(Exchange(bare.Encode(options))), 400);
    // A nonce the server never issued: 438 with a new one, even with a wrong password.
    Message unknown_nonce = AllocateRequest();
    unknown_nonce.AddUsername("alice");
    unknown_nonce.AddRealm("example.org");
    unknown_nonce.AddNonce("not-a-nonce");
    options.integrity_key = Key("alice", "wrong");
    auto answer = Exchange(unknown_nonce.Encode(options));
    EXPECT_EQ(Code(answer), 438);
    EXPECT_FALSE(answer->GetNonce().value_or("").empty());
    EXPECT_EQ(answer->GetRealm(), std::optional<std::string>("example.org"));
    // A good nonce and a wrong password: 431 Integrity Check Failure, no challenge.
    answer = Signed(AllocateRequest(), "alice", "wrong");
    EXPECT_EQ(Code(answer), 431);
    EXPECT_EQ(answer->GetErrorCode()->reason, "Integrity Check Failure");
    EXPECT_FALSE(answer->Has(attr::kMessageIntegrity));
    // The same password under another realm does not verify either.
    Message other_realm = AllocateRequest();
    other_realm.AddUsername("alice");
    other_realm.AddRealm("elsewhere.org");
    other_realm.AddNonce(Nonce());
    options.integrity_key = stun::LongTermKey("alice", "elsewhere.org", "secret");
    EXPECT_EQ(Code(Exchange(other_realm.Encode(options))), 431);
    EXPECT_EQ(m_server.Counters().integrity_failures, 2u);
    EXPECT_EQ(m_server.Counters().stale_nonces, 1u);
}

std::vector<std::uint16_t> AttributeTypes(const Message& m) {
    std::vector<std::uint16_t> types;
    for (const auto& a : m.Attributes())
        types.push_back(a.type);
    return types;
}

TEST_F(ServerAlone, IntegrityFailureSendsTheRequestsCredentialsBackBeforeTheErrorCode) {
    // Expressway-E's 431 in the source capture: "user: turnuser with nonce realm:
    // turnuser UDP error-code: 431": the request's own USERNAME, NONCE, REALM and
    // REQUESTED-TRANSPORT, in that order, then ERROR-CODE; no new challenge, unsigned.
    const std::string nonce = Nonce();
    Message request = AllocateRequest();
    request.AddUsername("alice");
    request.AddRealm("example.org");
    request.AddNonce(nonce);
    stun::EncodeOptions options;
    options.integrity_key = Key("alice", "wrong");
    options.fingerprint = true;
    const auto answer = Exchange(request.Encode(options));
    ASSERT_EQ(Code(answer), 431);
    EXPECT_EQ(AttributeTypes(*answer),
              (std::vector<std::uint16_t>{attr::kUsername, attr::kNonce, attr::kRealm,
                                          attr::kRequestedTransport, attr::kErrorCode,
                                          attr::kSoftware, attr::kFingerprint}));
    EXPECT_EQ(answer->GetUsername(), std::optional<std::string>("alice"));
    EXPECT_EQ(answer->GetNonce(), std::optional<std::string>(nonce));
    EXPECT_EQ(answer->GetRealm(), std::optional<std::string>("example.org"));
    EXPECT_EQ(answer->GetRequestedTransport(), std::optional<std::uint8_t>(stun::kProtocolUdp));
}

class ServerAnsweringErrorCodeAlone : public ServerAlone {
  protected:
    ServerAnsweringErrorCodeAlone() : ServerAlone(Config()) {}
    static ServerConfig Config() {
        ServerConfig c = DefaultServerConfig();
        c.integrity_failure_echoes_request = false;
        return c;
    }
};

TEST_F(ServerAnsweringErrorCodeAlone, IntegrityFailureCarriesOnlyTheErrorCode) {
    const auto answer = Signed(AllocateRequest(), "alice", "wrong");
    ASSERT_EQ(Code(answer), 431);
    EXPECT_EQ(AttributeTypes(*answer),
              (std::vector<std::uint16_t>{attr::kErrorCode, attr::kSoftware}));
}

TEST_F(ServerAlone, RequestsOnAnAllocationNeedItAndTheSameUser) {
    EXPECT_EQ(Code(Signed(Request(method::kRefresh))), 437);
    Message perm = Request(method::kCreatePermission);
    perm.AddXorAddress(attr::kXorPeerAddress, Ep("198.51.100.200", 0));
    EXPECT_EQ(Code(Signed(perm)), 437);
    ASSERT_EQ(Code(Signed(AllocateRequest())), 0);
    // Bob on alice's 5-tuple: 441.
    Message bob = Request(method::kCreatePermission);
    bob.AddXorAddress(attr::kXorPeerAddress, Ep("198.51.100.200", 0));
    EXPECT_EQ(Code(Signed(bob, "bob", "hunter2")), 441);
    // CreatePermission without a peer: 400; an IPv6 peer on an IPv4 relay: 443.
    EXPECT_EQ(Code(Signed(Request(method::kCreatePermission))), 400);
    Message v6 = Request(method::kCreatePermission);
    v6.AddXorAddress(attr::kXorPeerAddress, Ep("2001:db8::1", 0));
    EXPECT_EQ(Code(Signed(v6)), 443);
    // Two peers in one request.
    Message two = Request(method::kCreatePermission);
    two.AddXorAddress(attr::kXorPeerAddress, Ep("198.51.100.200", 0));
    two.AddXorAddress(attr::kXorPeerAddress, Ep("198.51.100.201", 0));
    EXPECT_EQ(Code(Signed(two)), 0);
    EXPECT_EQ(m_server.Counters().permissions, 2u);
}

TEST_F(ServerAlone, ChannelBindRules) {
    ASSERT_EQ(Code(Signed(AllocateRequest())), 0);
    auto bind = [&](std::uint16_t channel, const Endpoint& peer) {
        Message m = Request(method::kChannelBind);
        m.AddChannelNumber(channel);
        m.AddXorAddress(attr::kXorPeerAddress, peer);
        return Code(Signed(m));
    };
    const Endpoint p1 = Ep("198.51.100.200", 1000);
    const Endpoint p2 = Ep("198.51.100.200", 2000);
    EXPECT_EQ(bind(0x3FFF, p1), 400); // outside the range
    EXPECT_EQ(bind(0x5000, p1), 400);
    EXPECT_EQ(bind(0x4000, p1), 0);
    EXPECT_EQ(bind(0x4000, p1), 0);   // a refresh
    EXPECT_EQ(bind(0x4000, p2), 400); // channel taken by another peer
    EXPECT_EQ(bind(0x4001, p1), 400); // peer has another channel
    EXPECT_EQ(bind(0x4001, p2), 0);
    Message no_peer = Request(method::kChannelBind);
    no_peer.AddChannelNumber(0x4002);
    EXPECT_EQ(Code(Signed(no_peer)), 400);
    EXPECT_EQ(m_server.Counters().channels, 2u);
    // The binding installed a permission for the peer's address.
    EXPECT_EQ(m_server.Counters().permissions, 1u);
}

TEST_F(ServerAlone, MalformedInputIsAnswered400OrDroppedAndCounted) {
    // Parseable STUN with a malformed known attribute: 400.
    Message bad = Request(method::kAllocate);
    bad.Add(attr::kRequestedTransport, Bytes{17});
    EXPECT_EQ(Code(Exchange(bad.Encode())), 400);
    // An unknown method: 400.
    EXPECT_EQ(Code(Exchange(Request(0x0ab).Encode())), 400);
    // Binding works without credentials.
    auto binding = Exchange(Request(method::kBinding).Encode());
    ASSERT_TRUE(binding.has_value());
    EXPECT_EQ(binding->MessageClass(), stun::Class::SuccessResponse);
    EXPECT_EQ(binding->GetXorAddress(attr::kXorMappedAddress), kTuple.client);
    // Not STUN at all, STUN that does not decode, a bad FINGERPRINT, a response: dropped.
    const auto before = m_server.Counters().dropped_malformed;
    EXPECT_FALSE(Exchange(Bytes{0x80, 1, 2, 3}).has_value());
    EXPECT_FALSE(Exchange(Bytes{0x00, 0x01, 0x00, 0x04, 1, 2}).has_value());
    stun::EncodeOptions fp;
    fp.fingerprint = true;
    Bytes broken = AllocateRequest().Encode(fp);
    broken.back() ^= 1;
    EXPECT_FALSE(Exchange(broken).has_value());
    EXPECT_FALSE(
        Exchange(Message::Make(stun::Class::SuccessResponse, method::kAllocate, m_rng).Encode())
            .has_value());
    EXPECT_FALSE(Exchange(Bytes{}).has_value());
    EXPECT_EQ(m_server.Counters().dropped_malformed, before + 5);
    // ChannelData and Send indications without an allocation: dropped, counted.
    EXPECT_FALSE(Exchange(Bytes{0x40, 0x00, 0x00, 0x01, 0xAA}).has_value());
    Message send = Message::Make(stun::Class::Indication, method::kSend, m_rng);
    send.AddXorAddress(attr::kXorPeerAddress, Ep("198.51.100.200", 1));
    send.AddData(Bytes{1});
    EXPECT_FALSE(Exchange(send.Encode()).has_value());
    EXPECT_EQ(m_server.Counters().dropped_no_allocation, 2u);
    // A TCP stream that loses its framing is reported so the driver closes it.
    const FiveTuple tcp{Transport::Tcp, kTuple.client, kServerAddress};
    m_server.HandleClientInput(tcp, Bytes{0xFF, 0xFF, 0xFF, 0xFF}, m_now);
    bool stream_error = false;
    while (auto e = m_server.PollEvent())
        stream_error |= std::holds_alternative<server_event::StreamError>(*e);
    EXPECT_TRUE(stream_error);
}

TEST_F(ServerWithTwoPorts, PortRangeExhaustionAnswers508) {
    for (std::uint16_t i = 0; i < 2; ++i) {
        const FiveTuple t{Transport::Udp, Ep("198.51.100.10", static_cast<std::uint16_t>(1000 + i)),
                          kServerAddress};
        auto answer = Signed(AllocateRequest(), "alice", "secret", t);
        ASSERT_EQ(Code(answer), 0);
        const auto port = answer->GetXorAddress(attr::kXorRelayedAddress)->port;
        EXPECT_TRUE(port == 24000 || port == 24001);
    }
    const FiveTuple third{Transport::Udp, Ep("198.51.100.10", 1002), kServerAddress};
    EXPECT_EQ(Code(Signed(AllocateRequest(), "alice", "secret", third)), 508);
}

TEST_F(ServerAlone, EvenPortWithTheRBitGivesAnEvenPortAndHoldsTheNextForItsToken) {
    Message rtp = AllocateRequest();
    rtp.Add(attr::kEvenPort, EncodeEvenPort(EvenPort{true}));
    // RFC 8656 section 18.9 on the wire: type 0x0018, length 1, the R bit, 3 bytes padding.
    EXPECT_TRUE(HasBytes(rtp.Encode(), Bytes{0x00, 0x18, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00}));
    auto answer = Signed(rtp);
    ASSERT_EQ(Code(answer), 0);
    const std::uint16_t port = answer->GetXorAddress(attr::kXorRelayedAddress)->port;
    EXPECT_EQ(port % 2, 0);
    const stun::Attribute* token = answer->Find(attr::kReservationToken);
    ASSERT_NE(token, nullptr);
    ASSERT_EQ(token->value.size(), 8u);
    // Section 18.10 on the wire: type 0x0022, length 8, the token; inside the signed part.
    Bytes wire = {0x00, 0x22, 0x00, 0x08};
    wire.insert(wire.end(), token->value.begin(), token->value.end());
    EXPECT_TRUE(HasBytes(answer->Encode(), wire));
    EXPECT_EQ(stun::CheckMessageIntegrity(*answer, Key()), stun::Check::Valid);
    EXPECT_EQ(m_server.Counters().reservations, 1u);

    // Another 5-tuple presents the token: it gets the next port (the RTCP one).
    const FiveTuple rtcp_tuple{Transport::Udp, Ep("198.51.100.10", 50001), kServerAddress};
    Message rtcp = AllocateRequest();
    rtcp.Add(attr::kReservationToken, token->value);
    auto second = Signed(rtcp, "alice", "secret", rtcp_tuple);
    ASSERT_EQ(Code(second), 0);
    EXPECT_EQ(second->GetXorAddress(attr::kXorRelayedAddress)->port, port + 1);
    EXPECT_EQ(second->Find(attr::kReservationToken), nullptr);
    EXPECT_EQ(m_server.Counters().reservations, 0u);
    // A token works once.
    const FiveTuple third{Transport::Udp, Ep("198.51.100.10", 50002), kServerAddress};
    EXPECT_EQ(Code(Signed(rtcp, "alice", "secret", third)), 508);
}

TEST_F(ServerAlone, EvenPortWithoutTheRBitReservesNothing) {
    Message m = AllocateRequest();
    m.Add(attr::kEvenPort, EncodeEvenPort(EvenPort{false}));
    EXPECT_TRUE(HasBytes(m.Encode(), Bytes{0x00, 0x18, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00}));
    auto answer = Signed(m);
    ASSERT_EQ(Code(answer), 0);
    EXPECT_EQ(answer->GetXorAddress(attr::kXorRelayedAddress)->port % 2, 0);
    EXPECT_FALSE(answer->Has(attr::kReservationToken));
    EXPECT_EQ(m_server.Counters().reservations, 0u);
}

TEST_F(ServerAlone, EvenPortAndReservationTokenErrorsFollowSection7_2) {
    const Bytes token(8, 0x5A);
    // A token with EVEN-PORT, or with REQUESTED-ADDRESS-FAMILY: 400.
    Message both = AllocateRequest();
    both.Add(attr::kEvenPort, EncodeEvenPort(EvenPort{true}));
    both.Add(attr::kReservationToken, token);
    EXPECT_EQ(Code(Signed(both)), 400);
    Message family = AllocateRequest();
    family.Add(attr::kRequestedAddressFamily, Bytes{0x01, 0, 0, 0});
    family.Add(attr::kReservationToken, token);
    EXPECT_EQ(Code(Signed(family)), 400);
    // Wrong lengths: 400.
    Message long_even = AllocateRequest();
    long_even.Add(attr::kEvenPort, Bytes{0x80, 0, 0, 0});
    EXPECT_EQ(Code(Signed(long_even)), 400);
    Message short_token = AllocateRequest();
    short_token.Add(attr::kReservationToken, Bytes{1, 2, 3, 4});
    EXPECT_EQ(Code(Signed(short_token)), 400);
    // A token the server never gave: 508.
    Message unknown = AllocateRequest();
    unknown.Add(attr::kReservationToken, token);
    EXPECT_EQ(Code(Signed(unknown)), 508);
    // EVEN-PORT on another method is not understood there: 420.
    Message refresh = Request(method::kRefresh);
    refresh.Add(attr::kEvenPort, EncodeEvenPort(EvenPort{false}));
    EXPECT_EQ(Code(Signed(refresh)), 420);
    EXPECT_EQ(m_server.Counters().active_allocations, 0u);
}

TEST_F(ServerWithTwoPorts, AHeldPortIsNobodyElsesUntilTheReservationExpires) {
    Message rtp = AllocateRequest();
    rtp.Add(attr::kEvenPort, EncodeEvenPort(EvenPort{true}));
    auto answer = Signed(rtp);
    ASSERT_EQ(Code(answer), 0);
    EXPECT_EQ(answer->GetXorAddress(attr::kXorRelayedAddress)->port, 24000);
    const Bytes token = answer->Find(attr::kReservationToken)->value;
    // 24001 is held: a plain Allocate finds no port.
    const FiveTuple other{Transport::Udp, Ep("198.51.100.10", 1001), kServerAddress};
    EXPECT_EQ(Code(Signed(AllocateRequest(), "alice", "secret", other)), 508);
    // A second EVEN-PORT R cannot be met either (no even port with a free next one).
    const FiveTuple third{Transport::Udp, Ep("198.51.100.10", 1002), kServerAddress};
    EXPECT_EQ(Code(Signed(rtp, "alice", "secret", third)), 508);
    // The hold ends after about 30 s: the server's timer says when, and the port is free.
    ASSERT_TRUE(m_server.NextTimeout().has_value());
    EXPECT_EQ(*m_server.NextTimeout(), m_now + 30s);
    m_now += 30s;
    m_server.HandleTimeout(m_now);
    EXPECT_EQ(m_server.Counters().reservations, 0u);
    EXPECT_EQ(m_server.Counters().reservations_expired, 1u);
    Message late = AllocateRequest();
    late.Add(attr::kReservationToken, token);
    EXPECT_EQ(Code(Signed(late, "alice", "secret", other)), 508);
    auto plain = Signed(AllocateRequest(), "alice", "secret", other);
    ASSERT_EQ(Code(plain), 0);
    EXPECT_EQ(plain->GetXorAddress(attr::kXorRelayedAddress)->port, 24001);
}

TEST(EvenPortValue, DecodesTheRBitAndRefusesOtherLengths) {
    EXPECT_EQ(EncodeEvenPort(EvenPort{true}), Bytes{0x80});
    EXPECT_EQ(EncodeEvenPort(EvenPort{false}), Bytes{0x00});
    EXPECT_TRUE(DecodeEvenPort(Bytes{0x80})->reserve_next);
    EXPECT_FALSE(DecodeEvenPort(Bytes{0x7F})->reserve_next); // reserved bits are ignored
    EXPECT_FALSE(DecodeEvenPort(Bytes{}).has_value());
    EXPECT_FALSE(DecodeEvenPort(Bytes{0x80, 0}).has_value());
}

TEST(NonceBook, NoncesExpireAndTheBookStaysBounded) {
    NonceBook book(60s, 4);
    Rng rng(1);
    const std::string n = book.Issue(rng, Instant(0s));
    EXPECT_EQ(n.size(), 24u);
    EXPECT_TRUE(book.IsValid(n, Instant(59s)));
    EXPECT_FALSE(book.IsValid(n, Instant(60s)));
    EXPECT_FALSE(book.IsValid("other", Instant(0s)));
    for (int i = 0; i < 10; ++i)
        book.Issue(rng, Instant(1s));
    EXPECT_LE(book.Size(), 4u);
    EXPECT_FALSE(book.IsValid(n, Instant(1s))); // forgotten to make room
}

TEST(RetransmitTimer, UdpScheduleAndTcpTimeout) {
    RetransmitTimer udp(RetransmitPolicy{}, false, Instant(0ms));
    std::vector<long> sends = {0};
    for (int i = 0; i < 20 && !udp.Done(); ++i) {
        const Instant t = udp.Next();
        const auto action = udp.OnTimer(t);
        const long ms =
            static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(t).count());
        if (action == RetransmitTimer::Action::Send)
            sends.push_back(ms);
        else if (action == RetransmitTimer::Action::GiveUp)
            sends.push_back(-ms);
    }
    EXPECT_EQ(sends, (std::vector<long>{0, 500, 1500, 3500, 7500, 15500, 31500, -39500}));
    RetransmitTimer tcp(RetransmitPolicy{}, true, Instant(0ms));
    EXPECT_EQ(tcp.OnTimer(Instant(39499ms)), RetransmitTimer::Action::None);
    EXPECT_EQ(tcp.OnTimer(Instant(39500ms)), RetransmitTimer::Action::GiveUp);
    EXPECT_TRUE(tcp.Done());
}
