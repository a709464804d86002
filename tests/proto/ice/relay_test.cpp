// ICE through TURN: each agent's relayed candidate is an allocation on a real
// turn::Server reached by a real turn::Client, as the browser (public TURN address) and
// CMS (internal TURN address, relays behind a static NAT) use Expressway-E.
#include "ice_net.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::ice;
using namespace cmslab::ice::test;

namespace {

// Documentation ranges shaped like the reference deployment.
const Endpoint kBrowserHost = Ep("198.51.100.124", 50000);
const Endpoint kCmsHost = Ep("192.0.2.180", 40000);
const Endpoint kPublicTurn = Ep("203.0.113.1", 3478);
const Endpoint kInternalTurn = Ep("192.0.2.168", 3478);
const IpAddress kNatInside = *IpAddress::Parse("192.0.2.61");
const IpAddress kNatOutside = *IpAddress::Parse("203.0.113.156");

turn::ServerConfig ServerConfig(const IpAddress& local, const IpAddress& advertised) {
    turn::ServerConfig c;
    c.realm = "example.org";
    c.users = {{"guest", "guestpass"}, {"cms", "cmspass"}};
    c.relays = {turn::RelayAddress{local, advertised}};
    c.software = "cmslab-turn";
    return c;
}

turn::ClientConfig ClientConfig(const Endpoint& server, const char* user, const char* pass) {
    turn::ClientConfig c;
    c.server = server;
    c.username = user;
    c.password = pass;
    return c;
}

struct RelayWorld {
    Net net;
    TurnNode public_turn{net, kPublicTurn, ServerConfig(kPublicTurn.address, kPublicTurn.address),
                         1};
    TurnNode internal_turn{net, kInternalTurn, ServerConfig(kNatInside, kNatOutside), 2};
    IceNode browser;
    IceNode cms;

    explicit RelayWorld(bool hosts_too)
        : browser(net, "browser", kBrowserHost, Cfg(Role::Controlling), 3),
          cms(net, "cms", kCmsHost, Cfg(Role::Controlled), 4) {
        net.AddNat(kNatInside, kNatOutside);
        // The two hosts cannot reach each other: each reaches only its own TURN server
        // and the relays.
        net.filter = [](const Datagram& d) {
            const bool from_host = d.from == kBrowserHost || d.from == kCmsHost;
            const bool to_host = d.to == kBrowserHost || d.to == kCmsHost;
            return !(from_host && to_host) &&
                   !(d.from == kCmsHost && d.to.address == kPublicTurn.address) &&
                   !(d.from == kBrowserHost && d.to.address == kNatOutside);
        };
        browser.UseTurn(ClientConfig(kPublicTurn, "guest", "guestpass"));
        cms.UseTurn(ClientConfig(kInternalTurn, "cms", "cmspass"));
        net.RunFor(2s, [&] { return browser.Allocated() && cms.Allocated(); });
        EXPECT_TRUE(browser.Allocated());
        EXPECT_TRUE(cms.Allocated());
        for (IceNode* n : {&browser, &cms}) {
            const IpAddress server = n == &browser ? kPublicTurn.address : kInternalTurn.address;
            if (hosts_too)
                n->agent.AddLocalCandidate(
                    MakeHostCandidate(n == &browser ? kBrowserHost : kCmsHost), net.now);
            n->agent.AddLocalCandidate(MakeRelayedCandidate(n->client->RelayedAddress(),
                                                            n->client->MappedAddress(), server),
                                       net.now);
        }
        ExchangeCredentials(browser, cms);
        ExchangeCandidates(browser, cms, net.now);
        StartAgents(browser, cms, net.now);
    }

    static AgentConfig Cfg(Role role) {
        AgentConfig c;
        c.role = role;
        return c;
    }
    void RunUntilDone(Duration limit) {
        net.RunFor(limit, [&] {
            return browser.agent.State() == AgentState::Completed &&
                   cms.agent.State() == AgentState::Completed;
        });
    }
};

} // namespace

TEST(IceRelay, RelayToRelayThroughTwoTurnServers) {
    RelayWorld w(false);
    // The CMS relay is advertised on the NAT's outside address.
    EXPECT_EQ(w.cms.client->RelayedAddress().address, kNatOutside);
    w.RunUntilDone(10s);
    ASSERT_EQ(w.browser.agent.State(), AgentState::Completed);
    ASSERT_EQ(w.cms.agent.State(), AgentState::Completed);
    const auto b = *w.browser.agent.SelectedPair();
    const auto c = *w.cms.agent.SelectedPair();
    EXPECT_EQ(b.first.type, CandidateType::Relayed);
    EXPECT_EQ(b.second.type, CandidateType::Relayed);
    EXPECT_EQ(b.first.address, w.browser.client->RelayedAddress());
    EXPECT_EQ(b.second.address, w.cms.client->RelayedAddress());
    EXPECT_EQ(c.first.address, w.cms.client->RelayedAddress());
    EXPECT_EQ(c.second.address, w.browser.client->RelayedAddress());

    // Each TURN server really relayed the checks both ways, under permissions the
    // devices created for the peer's relay.
    for (TurnNode* t : {&w.public_turn, &w.internal_turn}) {
        const auto counters = t->server.Counters();
        EXPECT_GE(counters.relayed_to_peers, 2u);
        EXPECT_GE(counters.relayed_to_clients, 2u);
        EXPECT_EQ(counters.permissions, 1u);
    }

    // Media then takes the same path: DTLS-looking bytes from the browser reach CMS.
    const Bytes hello = {22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
    ASSERT_TRUE(w.browser.SendOnSelectedPair(hello));
    const Bytes reply = {22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0};
    w.net.RunFor(100ms);
    ASSERT_TRUE(w.cms.SendOnSelectedPair(reply));
    w.net.RunFor(100ms);
    ASSERT_EQ(w.cms.other.size(), 1u);
    EXPECT_EQ(w.cms.other[0], hello);
    ASSERT_EQ(w.browser.other.size(), 1u);
    EXPECT_EQ(w.browser.other[0], reply);

    // Consent keeps flowing through the relays for a while.
    w.net.RunFor(40s);
    EXPECT_EQ(w.browser.agent.State(), AgentState::Completed);
    EXPECT_EQ(w.cms.agent.State(), AgentState::Completed);
}

TEST(IceRelay, HostCandidatesThatCannotMeetFallBackToTheRelays) {
    RelayWorld w(true);
    w.RunUntilDone(15s);
    ASSERT_EQ(w.browser.agent.State(), AgentState::Completed);
    ASSERT_EQ(w.cms.agent.State(), AgentState::Completed);
    const auto b = *w.browser.agent.SelectedPair();
    EXPECT_EQ(b.first.type, CandidateType::Relayed);
    EXPECT_EQ(b.second.type, CandidateType::Relayed);
    // Better pairs were tried first and failed (or were abandoned) before relay-relay won.
    const auto pairs = w.browser.agent.Pairs();
    ASSERT_EQ(pairs.size(), 4u);
    EXPECT_EQ(pairs.back().local.type, CandidateType::Relayed);
    EXPECT_EQ(pairs.back().remote.type, CandidateType::Relayed);
    EXPECT_TRUE(pairs.back().nominated);
    EXPECT_GT(pairs[0].checks_sent, 0u);
    EXPECT_NE(pairs[0].state, PairState::Succeeded);
}

TEST(IceRelay, WrongTurnPasswordLeavesNoRelayAndIceFailsAfterTheTimeout) {
    // The fourth failure case of the reference: CMS's TURN credentials are wrong, so it
    // has no relay; the browser's relay candidate alone cannot reach CMS's host.
    Net net;
    TurnNode public_turn{net, kPublicTurn, ServerConfig(kPublicTurn.address, kPublicTurn.address),
                         1};
    TurnNode internal_turn{net, kInternalTurn, ServerConfig(kNatInside, kNatOutside), 2};
    net.AddNat(kNatInside, kNatOutside);
    net.filter = [](const Datagram& d) {
        return !(d.to == kCmsHost && d.from.address != kInternalTurn.address);
    };
    IceNode browser(net, "browser", kBrowserHost, RelayWorld::Cfg(Role::Controlling), 3);
    IceNode cms(net, "cms", kCmsHost, RelayWorld::Cfg(Role::Controlled), 4);
    browser.UseTurn(ClientConfig(kPublicTurn, "guest", "guestpass"));
    cms.UseTurn(ClientConfig(kInternalTurn, "cms", "wrong"));
    net.RunFor(2s, [&] { return browser.Allocated(); });
    ASSERT_TRUE(browser.Allocated());
    ASSERT_NE(cms.client->GetState(), turn::Client::State::Allocated);
    browser.agent.AddLocalCandidate(MakeRelayedCandidate(browser.client->RelayedAddress(),
                                                         browser.client->MappedAddress(),
                                                         kPublicTurn.address),
                                    net.now);
    cms.agent.AddLocalCandidate(MakeHostCandidate(kCmsHost), net.now);
    ExchangeCredentials(browser, cms);
    ExchangeCandidates(browser, cms, net.now);
    const Instant start = net.now;
    StartAgents(browser, cms, net.now);
    net.RunFor(40s, [&] { return browser.agent.State() == AgentState::Failed; });
    ASSERT_EQ(browser.agent.State(), AgentState::Failed);
    EXPECT_GE(net.now - start, Duration(30s));
    EXPECT_NE(browser.agent.FailureReason().find("no answer"), std::string::npos)
        << browser.agent.FailureReason();
}
