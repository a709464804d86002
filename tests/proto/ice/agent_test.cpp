// Two ICE agents driven against each other on an in-memory network with simulated time.
#include "ice_net.h"
#include "stun/integrity.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::ice;
using namespace cmslab::ice::test;

namespace {

const Endpoint kHostA2 = Ep("192.0.2.11", 5002);

AgentConfig Config(Role role) {
    AgentConfig c;
    c.role = role;
    c.software = "cmslab-ice";
    return c;
}

bool Done(const IceNode& n) {
    return n.agent.State() == AgentState::Completed || n.agent.State() == AgentState::Failed;
}

struct Pair2 {
    Net net;
    IceNode a;
    IceNode b;
    Pair2(AgentConfig ca, AgentConfig cb, std::uint64_t seed = 1)
        : a(net, "a", kHostA, std::move(ca), seed), b(net, "b", kHostB, std::move(cb), seed) {}

    void Start(bool exchange_candidates = true) {
        ExchangeCredentials(a, b);
        if (exchange_candidates)
            ExchangeCandidates(a, b, net.now);
        StartAgents(a, b, net.now);
    }
    void RunUntilDone(Duration limit) {
        net.RunFor(limit, [&] { return Done(a) && Done(b); });
    }
};

} // namespace

TEST(IceAgent, HostToHostConnectsAndAgreesOnThePair) {
    Pair2 t(Config(Role::Controlling), Config(Role::Controlled));
    ASSERT_TRUE(t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now));
    ASSERT_TRUE(t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now));
    t.Start();
    t.RunUntilDone(5s);

    for (IceNode* n : {&t.a, &t.b}) {
        EXPECT_EQ(n->agent.State(), AgentState::Completed);
        EXPECT_EQ(n->States(), (std::vector<AgentState>{AgentState::Checking, AgentState::Connected,
                                                        AgentState::Completed}));
        ASSERT_EQ(n->EventsOf<agent_event::SelectedPair>().size(), 1u);
    }
    EXPECT_LT(t.net.now, Instant(500ms)); // a few round trips of 20 ms
    auto sa = t.a.agent.SelectedPair();
    auto sb = t.b.agent.SelectedPair();
    ASSERT_TRUE(sa && sb);
    EXPECT_EQ(sa->first.address, kHostA);
    EXPECT_EQ(sa->second.address, kHostB);
    EXPECT_EQ(sb->first.address, kHostB);
    EXPECT_EQ(sb->second.address, kHostA);
    EXPECT_TRUE(t.a.agent.Pairs()[0].nominated);

    // A's first check is a Binding request as RFC 8445 7.2.2 describes it.
    ASSERT_FALSE(t.a.sent.empty());
    auto first = stun::Message::Decode(t.a.sent[0].data);
    ASSERT_TRUE(first.Ok());
    EXPECT_EQ(first->Method(), stun::method::kBinding);
    EXPECT_TRUE(first->IsRequest());
    EXPECT_EQ(first->GetUsername(),
              t.b.agent.LocalCredentials().ufrag + ":" + t.a.agent.LocalCredentials().ufrag);
    EXPECT_EQ(first->GetPriority(), std::optional<std::uint32_t>(1862270975u));
    EXPECT_EQ(first->GetU64(stun::attr::kIceControlling),
              std::optional<std::uint64_t>(t.a.agent.TieBreaker()));
    EXPECT_FALSE(first->Has(stun::attr::kIceControlled));
    EXPECT_FALSE(first->Has(stun::attr::kUseCandidate));
    EXPECT_EQ(
        stun::CheckMessageIntegrity(*first, stun::ShortTermKey(t.b.agent.LocalCredentials().pwd)),
        stun::Check::Valid);
    EXPECT_EQ(stun::CheckFingerprint(*first), stun::Check::Valid);
    // Some later check of A nominated with USE-CANDIDATE; B's never do.
    bool nominated = false;
    for (const auto& s : t.a.sent)
        if (auto m = stun::Message::Decode(s.data); m.Ok() && m->IsRequest())
            nominated |= m->Has(stun::attr::kUseCandidate);
    EXPECT_TRUE(nominated);
    for (const auto& s : t.b.sent)
        if (auto m = stun::Message::Decode(s.data); m.Ok() && m->IsRequest()) {
            EXPECT_FALSE(m->Has(stun::attr::kUseCandidate));
            EXPECT_TRUE(m->Has(stun::attr::kIceControlled));
        }

    // Consent freshness keeps it alive for a minute of silence otherwise.
    t.net.RunFor(60s);
    EXPECT_EQ(t.a.agent.State(), AgentState::Completed);
    EXPECT_EQ(t.b.agent.State(), AgentState::Completed);
    EXPECT_GE(t.a.agent.Counters().consent_checks, 9u);
    EXPECT_GE(t.b.agent.Counters().consent_checks, 9u);
}

TEST(IceAgent, ConsentExpiresWhenThePathDies) {
    Pair2 t(Config(Role::Controlling), Config(Role::Controlled));
    t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now);
    t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
    t.Start();
    t.RunUntilDone(5s);
    ASSERT_EQ(t.a.agent.State(), AgentState::Completed);
    const Instant cut = t.net.now;
    t.net.filter = [](const Datagram&) { return false; };
    t.net.RunFor(60s, [&] { return t.a.agent.State() == AgentState::Failed; });
    ASSERT_EQ(t.a.agent.State(), AgentState::Failed);
    EXPECT_NE(t.a.agent.FailureReason().find("consent expired"), std::string::npos);
    EXPECT_GE(t.net.now - cut, Duration(25s));
    EXPECT_LE(t.net.now - cut, Duration(31s));
}

TEST(IceAgent, RoleConflictIsResolvedByTheTieBreaker) {
    for (Role both : {Role::Controlling, Role::Controlled}) {
        Pair2 t(Config(both), Config(both), both == Role::Controlling ? 3 : 4);
        t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now);
        t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
        ASSERT_NE(t.a.agent.TieBreaker(), t.b.agent.TieBreaker());
        t.Start();
        t.RunUntilDone(10s);
        ASSERT_EQ(t.a.agent.State(), AgentState::Completed) << RoleName(both);
        ASSERT_EQ(t.b.agent.State(), AgentState::Completed) << RoleName(both);
        // Exactly one controls: the one with the larger tie-breaker.
        const bool a_larger = t.a.agent.TieBreaker() > t.b.agent.TieBreaker();
        EXPECT_EQ(t.a.agent.GetRole(), a_larger ? Role::Controlling : Role::Controlled);
        EXPECT_EQ(t.b.agent.GetRole(), a_larger ? Role::Controlled : Role::Controlling);
        // The one whose role is not the configured one switched, once; the other never.
        const bool a_switched = t.a.agent.GetRole() != both;
        EXPECT_EQ(t.a.EventsOf<agent_event::RoleChanged>().size(), a_switched ? 1u : 0u)
            << RoleName(both);
        EXPECT_EQ(t.b.EventsOf<agent_event::RoleChanged>().size(), a_switched ? 0u : 1u)
            << RoleName(both);
        const std::uint64_t conflicts =
            t.a.agent.Counters().answered_487 + t.b.agent.Counters().answered_487;
        if (both == Role::Controlling) {
            // Someone had to say 487 or learn of the conflict from a check.
            EXPECT_GE(conflicts + t.a.agent.Counters().received_487 +
                          t.b.agent.Counters().received_487,
                      1u);
        }
        EXPECT_EQ(t.a.agent.SelectedPair()->second.address, kHostB);
        EXPECT_EQ(t.b.agent.SelectedPair()->second.address, kHostA);
    }
}

TEST(IceAgent, WrongPasswordFailsAfterTheTimeoutWithTheReason) {
    Pair2 t(Config(Role::Controlling), Config(Role::Controlled));
    t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now);
    t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
    ExchangeCandidates(t.a, t.b, t.net.now);
    Credentials wrong = t.b.agent.LocalCredentials();
    wrong.pwd[3] = wrong.pwd[3] == 'x' ? 'y' : 'x';
    t.a.agent.SetRemoteCredentials(wrong);
    t.b.agent.SetRemoteCredentials(t.a.agent.LocalCredentials());
    StartAgents(t.a, t.b, t.net.now);
    t.net.RunFor(40s, [&] { return t.a.agent.State() == AgentState::Failed; });

    ASSERT_EQ(t.a.agent.State(), AgentState::Failed);
    EXPECT_GE(t.net.now, Instant(30s));
    EXPECT_LT(t.net.now, Instant(30s + 100ms));
    const auto failed = t.a.EventsOf<agent_event::Failed>();
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_NE(failed[0].reason.find("401"), std::string::npos) << failed[0].reason;
    EXPECT_EQ(t.a.agent.FailureReason(), failed[0].reason);
    EXPECT_TRUE(t.a.EventsOf<agent_event::SelectedPair>().empty());
    EXPECT_GE(t.a.agent.Counters().received_401, 1u);
    EXPECT_GE(t.b.agent.Counters().answered_401, 1u);
    // B's triggered checks to A pass, but B is controlled: without a nomination it never
    // selects, and it also gives up at its own deadline.
    t.net.RunFor(1s);
    EXPECT_EQ(t.b.agent.State(), AgentState::Failed);
    // Nothing more is sent by a failed agent.
    const std::size_t sent = t.a.sent.size();
    t.net.RunFor(10s);
    EXPECT_EQ(t.a.sent.size(), sent);
}

TEST(IceAgent, AllPairsFailedAndEndOfCandidatesFailsAtOnce) {
    Pair2 t(Config(Role::Controlling), Config(Role::Controlled));
    t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now);
    t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
    ExchangeCandidates(t.a, t.b, t.net.now);
    t.a.agent.SetRemoteCredentials(
        {t.b.agent.LocalCredentials().ufrag, "wrongwrongwrongwrongwrong"});
    t.b.agent.SetRemoteCredentials(t.a.agent.LocalCredentials());
    t.a.agent.SetLocalEndOfCandidates(t.net.now);
    t.a.agent.SetRemoteEndOfCandidates(t.net.now);
    StartAgents(t.a, t.b, t.net.now);
    t.net.RunFor(40s, [&] { return t.a.agent.State() == AgentState::Failed; });
    ASSERT_EQ(t.a.agent.State(), AgentState::Failed);
    EXPECT_LT(t.net.now, Instant(1s));
    EXPECT_NE(t.a.agent.FailureReason().find("every candidate pair failed"), std::string::npos);
}

TEST(IceAgent, LateRemoteCandidatesAndPeerReflexiveLearning) {
    Pair2 t(Config(Role::Controlling), Config(Role::Controlled));
    t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now);
    t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
    t.Start(false); // credentials only: no candidates yet
    t.net.RunFor(2s);
    EXPECT_EQ(t.a.agent.State(), AgentState::Checking);
    EXPECT_TRUE(t.a.agent.Pairs().empty());
    EXPECT_TRUE(t.a.sent.empty());

    // B's candidate trickles to A two seconds late; A's never reaches B.
    t.a.agent.AddRemoteCandidate(t.b.agent.LocalCandidates()[0], t.net.now);
    t.a.Pump();
    t.RunUntilDone(5s);
    ASSERT_EQ(t.a.agent.State(), AgentState::Completed);
    ASSERT_EQ(t.b.agent.State(), AgentState::Completed);
    // B learnt A as a peer-reflexive candidate from A's check, with the check's PRIORITY.
    const auto remotes = t.b.agent.RemoteCandidates();
    ASSERT_EQ(remotes.size(), 1u);
    EXPECT_EQ(remotes[0].type, CandidateType::PeerReflexive);
    EXPECT_EQ(remotes[0].address, kHostA);
    EXPECT_EQ(remotes[0].priority, 1862270975u);
    EXPECT_EQ(t.b.agent.SelectedPair()->second.address, kHostA);
    // When A's real candidate arrives after all, it replaces the peer-reflexive one.
    EXPECT_TRUE(t.b.agent.AddRemoteCandidate(t.a.agent.LocalCandidates()[0], t.net.now));
    EXPECT_EQ(t.b.agent.RemoteCandidates()[0].type, CandidateType::Host);
    EXPECT_FALSE(t.b.agent.AddRemoteCandidate(t.a.agent.LocalCandidates()[0], t.net.now));
}

TEST(IceAgent, RegularNominationWaitsForTheBestPair) {
    // A has two host addresses; the better one loses its first check, so the worse pair
    // is valid first. With a nomination delay long enough the best pair still wins; with
    // a short one the controlling agent settles for the pair it has.
    for (Duration delay : {Duration(2s), Duration(100ms)}) {
        AgentConfig ca = Config(Role::Controlling);
        ca.nomination_delay = delay;
        Pair2 t(ca, Config(Role::Controlled));
        IceNode& a = t.a;
        t.net.Attach(kHostA2, &a);
        a.agent.AddLocalCandidate(MakeHostCandidate(kHostA, 65535), t.net.now);
        a.agent.AddLocalCandidate(MakeHostCandidate(kHostA2, 1000), t.net.now);
        t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
        bool dropped = false;
        t.net.filter = [&](const Datagram& d) {
            if (!dropped && d.from == kHostA) {
                dropped = true;
                return false;
            }
            return true;
        };
        t.Start();
        t.RunUntilDone(10s);
        ASSERT_EQ(a.agent.State(), AgentState::Completed);
        ASSERT_EQ(t.b.agent.State(), AgentState::Completed);
        const auto pairs = a.agent.Pairs();
        ASSERT_EQ(pairs.size(), 2u);
        EXPECT_EQ(pairs[0].local.address, kHostA);
        EXPECT_GT(pairs[0].priority, pairs[1].priority);
        const Endpoint expected = delay > Duration(1s) ? kHostA : kHostA2;
        EXPECT_EQ(a.agent.SelectedPair()->first.address, expected);
        EXPECT_EQ(t.b.agent.SelectedPair()->second.address, expected);
        EXPECT_EQ(a.EventsOf<agent_event::SelectedPair>().size(), 1u);
    }
}

TEST(IceAgent, AnswersChecksAsRfc8445AndRfc8489Say) {
    Rng rng(5);
    Agent agent(Config(Role::Controlled), Rng(9));
    const Endpoint peer = Ep("203.0.113.7", 7000);
    agent.AddLocalCandidate(MakeHostCandidate(kHostB), Instant{});
    const Credentials local = agent.LocalCredentials();
    const Credentials remote{"rmte", "remotepasswordremotepass"};
    agent.SetRemoteCredentials(remote);

    auto answer = [&](const Bytes& request) -> stun::Message {
        EXPECT_TRUE(agent.HandleInput(kHostB, peer, request, Instant{}));
        auto t = agent.PollTransmit();
        if (!t)
            return stun::Message();
        EXPECT_EQ(t->local, kHostB);
        EXPECT_EQ(t->to, peer);
        auto m = stun::Message::Decode(t->data);
        EXPECT_TRUE(m.Ok());
        while (agent.PollTransmit()) {
        }
        return *m;
    };
    auto request = [&](bool username, bool integrity, std::string user, std::string key,
                       bool priority, bool role) {
        stun::Message m = stun::Message::Make(stun::Class::Request, stun::method::kBinding, rng);
        if (username)
            m.AddUsername(user);
        if (priority)
            m.AddPriority(1862270975u);
        if (role)
            m.AddIceControlling(1);
        stun::EncodeOptions o;
        if (integrity)
            o.integrity_key = stun::ShortTermKey(key);
        o.fingerprint = true;
        return m.Encode(o);
    };
    const std::string user = local.ufrag + ":" + remote.ufrag;
    auto code = [](const stun::Message& m) {
        auto e = m.GetErrorCode();
        return e ? e->code : 0;
    };
    EXPECT_EQ(code(answer(request(false, true, user, local.pwd, true, true))), 400);
    EXPECT_EQ(code(answer(request(true, false, user, local.pwd, true, true))), 400);
    EXPECT_EQ(code(answer(request(true, true, "zzzz:" + remote.ufrag, local.pwd, true, true))),
              401);
    EXPECT_EQ(code(answer(request(true, true, user, "not-the-password-at-all", true, true))), 401);
    EXPECT_EQ(code(answer(request(true, true, user, local.pwd, false, true))), 400);
    EXPECT_EQ(code(answer(request(true, true, user, local.pwd, true, false))), 400);
    EXPECT_EQ(agent.Counters().answered_400, 4u);
    EXPECT_EQ(agent.Counters().answered_401, 2u);

    const stun::Message ok = answer(request(true, true, user, local.pwd, true, true));
    EXPECT_EQ(ok.MessageClass(), stun::Class::SuccessResponse);
    EXPECT_EQ(ok.GetXorAddress(stun::attr::kXorMappedAddress), std::optional<Endpoint>(peer));
    EXPECT_EQ(stun::CheckMessageIntegrity(ok, stun::ShortTermKey(local.pwd)), stun::Check::Valid);
    EXPECT_EQ(stun::CheckFingerprint(ok), stun::Check::Valid);
    // The check taught it a peer-reflexive candidate and a pair to check back.
    ASSERT_EQ(agent.RemoteCandidates().size(), 1u);
    EXPECT_EQ(agent.RemoteCandidates()[0].type, CandidateType::PeerReflexive);
    EXPECT_EQ(agent.Pairs().size(), 1u);
    EXPECT_EQ(agent.Pairs()[0].state, PairState::Waiting);

    // A bad FINGERPRINT is dropped without an answer; non-STUN is not the agent's.
    Bytes broken = request(true, true, user, local.pwd, true, true);
    broken.back() ^= 1;
    EXPECT_TRUE(agent.HandleInput(kHostB, peer, broken, Instant{}));
    EXPECT_FALSE(agent.PollTransmit().has_value());
    const Bytes dtls = {22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_FALSE(agent.HandleInput(kHostB, peer, dtls, Instant{}));
}

TEST(IceAgent, SameSeedSameBytes) {
    auto run = [](std::uint64_t seed) {
        Pair2 t(Config(Role::Controlling), Config(Role::Controlled), seed);
        t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now);
        t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
        t.Start();
        t.net.RunFor(12s);
        std::vector<Bytes> wire;
        for (const auto& d : t.net.log)
            wire.push_back(d.data);
        return wire;
    };
    const auto first = run(11);
    EXPECT_EQ(first, run(11));
    EXPECT_NE(first, run(12));
}

// The round trip of the selected pair, as a browser's getStats() reports it: each check on
// it answered, 2 x 10 ms of latency here; a check answered only after a retransmission is
// not counted (Karn's rule: the answer could be to either send).
TEST(IceAgent, RoundTripOfTheSelectedPairFromItsChecks) {
    Pair2 t(Config(Role::Controlling), Config(Role::Controlled));
    t.a.agent.AddLocalCandidate(MakeHostCandidate(kHostA), t.net.now);
    t.b.agent.AddLocalCandidate(MakeHostCandidate(kHostB), t.net.now);
    EXPECT_EQ(t.a.agent.SelectedRoundTrip().samples, 0u);
    t.Start();
    t.RunUntilDone(5s);
    ASSERT_EQ(t.a.agent.State(), AgentState::Completed);
    t.net.RunFor(21s); // four consent checks each way (every 5 s +-20 %)
    for (IceNode* n : {&t.a, &t.b}) {
        const RoundTrip& rtt = n->agent.SelectedRoundTrip();
        EXPECT_GE(rtt.samples, 4u);
        EXPECT_DOUBLE_EQ(rtt.MeanMs(), 20.0);
        EXPECT_DOUBLE_EQ(rtt.MaxMs(), 20.0);
    }
    // B's next consent request is lost once: its retransmission is answered, and counts
    // for consent but not for the round trip.
    const std::uint32_t before = t.b.agent.SelectedRoundTrip().samples;
    const std::uint64_t checks = t.b.agent.Counters().consent_checks;
    bool dropped = false;
    t.net.filter = [&](const Datagram& d) {
        auto m = stun::Message::Decode(d.data);
        if (!dropped && d.from == kHostB && m.Ok() && m->IsRequest()) {
            dropped = true;
            return false;
        }
        return true;
    };
    t.net.RunFor(7s, [&] { return t.b.agent.Counters().consent_checks > checks && dropped; });
    t.net.RunFor(2s);
    ASSERT_TRUE(dropped);
    EXPECT_EQ(t.b.agent.SelectedRoundTrip().samples, before);
    EXPECT_EQ(t.b.agent.State(), AgentState::Completed);
}
