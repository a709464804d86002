// The Call Bridge's media set-up against a real turn::Server and a browser-like ICE
// agent on an in-memory network: relay, signaling, ICE to a selected pair, then DTLS
// starts; wrong TURN credentials give the product's ICE failure 4. With a scripted
// browser (its own relay, DTLS passive, SRTP): DTLS as initiator checked against the
// signalled fingerprint, then SRTP audio both ways.
#include "../../proto/ice/ice_net.h"
#include "../browser/scripted_media_peer.h"
#include "cms/call_media.h"
#include "common/overloaded.h"
#include "ice/candidate.h"
#include "webapp/ice_candidates.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::cms;
using namespace cmslab::ice::test;

namespace {

constexpr std::size_t kDtlsStart = 1;   // CallMediaEvent's DtlsStartEvent
constexpr std::size_t kDtlsFailure = 2; // and DtlsFailureEvent
static_assert(
    std::is_same_v<std::variant_alternative_t<kDtlsStart, CallMediaEvent>, DtlsStartEvent>);
static_assert(
    std::is_same_v<std::variant_alternative_t<kDtlsFailure, CallMediaEvent>, DtlsFailureEvent>);

// The CMS as a node of the in-memory network: one UDP socket, everything via TURN.
class CmsNode : public Node {
  public:
    CmsNode(Net& net, const Endpoint& host, CallMediaConfig config)
        : media(std::move(config), Rng(3)), m_net(net), m_host(host) {
        net.Attach(host, this);
        net.AddNode(this);
    }
    void Receive(const Endpoint& from, const Endpoint&, ByteView data) override {
        media.OnDatagram(from, data, m_net.now);
        Pump();
    }
    std::optional<Instant> Next() const override { return media.NextTimeout(); }
    void Timer() override {
        media.HandleTimeout(m_net.now);
        Pump();
    }
    void Pump() {
        while (auto d = media.PollDatagram())
            m_net.Send(m_host, d->to, std::move(d->data));
        while (auto s = media.PollSignaling())
            to_browser.push_back(*s);
        while (auto e = media.PollEvent()) {
            if (const auto* note = std::get_if<MediaNoteEvent>(&*e))
                notes.push_back((note->warning ? "Warning: " : "Info: ") + note->text);
            else
                events.push_back(*e);
        }
    }

    CallMedia media;
    std::vector<webapp::SignalingMessage> to_browser;
    std::vector<CallMediaEvent> events; // all but the notes
    std::vector<std::string> notes;     // "Info: <text>", "Warning: <text>"

  private:
    Net& m_net;
    Endpoint m_host;
};

turn::ServerConfig TurnServer() {
    turn::ServerConfig c;
    c.realm = "turnuser";
    c.users = {{"turnuser", "cisco"}};
    c.relays = {{*IpAddress::Parse("172.16.85.168"), *IpAddress::Parse("172.16.85.168")}};
    return c;
}

CallMediaConfig Media(const std::string& password) {
    CallMediaConfig c;
    c.session.turn_server = Ep("172.16.85.168", 3478);
    c.session.username = "turnuser";
    c.session.password = password;
    c.dtls_fingerprint = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:"
                         "88:99:AA:BB:CC:DD:EE:FF";
    return c;
}

} // namespace

TEST(CallMedia, RelayIceAndDtlsStart) {
    Net net;
    TurnNode turn(net, Ep("172.16.85.168", 3478), TurnServer(), 1);
    CmsNode cms(net, Ep("172.16.85.180", 41574), Media("cisco"));
    ice::AgentConfig browser_config;
    browser_config.role = ice::Role::Controlling;
    IceNode browser(net, "browser", Ep("172.16.84.124", 50000), browser_config, 2);
    turn::ClientConfig browser_turn;
    browser_turn.server = Ep("172.16.85.168", 3478);
    browser_turn.username = "turnuser";
    browser_turn.password = "cisco";
    browser.UseTurn(browser_turn);

    cms.media.Start(net.now);
    cms.Pump();
    net.RunFor(1s, [&] {
        return browser.Allocated() && cms.media.Turn().GetState() == turn::Client::State::Allocated;
    });
    ASSERT_TRUE(browser.Allocated());
    ASSERT_EQ(cms.media.Turn().GetState(), turn::Client::State::Allocated);

    // What the CMS signalled: its ICE credentials, DTLS active, its relayed candidate.
    bool saw_dtls = false;
    for (const auto& m : cms.to_browser) {
        if (auto p = std::get_if<webapp::IceParametersMessage>(&m))
            browser.agent.SetRemoteCredentials(ice::Credentials{p->ufrag, p->pwd});
        if (auto c = std::get_if<webapp::CandidateMessage>(&m)) {
            EXPECT_EQ(c->type, ice::CandidateType::Relayed);
            EXPECT_EQ(c->address, "172.16.85.168");
            browser.agent.AddRemoteCandidate(*webapp::ToIceCandidate(*c), net.now);
        }
        if (auto d = std::get_if<webapp::DtlsMessage>(&m)) {
            EXPECT_EQ(d->setup, webapp::DtlsSetup::Active);
            saw_dtls = true;
        }
    }
    EXPECT_TRUE(saw_dtls);
    // What the browser signals back.
    const auto& creds = browser.agent.LocalCredentials();
    cms.media.OnSignaling(webapp::IceParametersMessage{creds.ufrag, creds.pwd}, net.now);
    const auto relayed =
        ice::MakeRelayedCandidate(browser.client->RelayedAddress(), browser.client->MappedAddress(),
                                  *IpAddress::Parse("172.16.85.168"));
    browser.agent.AddLocalCandidate(relayed, net.now);
    webapp::CandidateMessage c;
    c.foundation = relayed.foundation;
    c.priority = relayed.priority;
    c.address = relayed.address.address.ToString();
    c.port = relayed.address.port;
    c.type = ice::CandidateType::Relayed;
    cms.media.OnSignaling(c, net.now);
    cms.media.OnSignaling(webapp::EndOfCandidatesMessage{}, net.now);
    cms.Pump();
    browser.agent.Start(net.now);
    browser.Pump();

    net.RunFor(10s, [&] { return !cms.events.empty(); });
    ASSERT_EQ(cms.events.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<DtlsStartEvent>(cms.events[0]));
    EXPECT_TRUE(cms.media.Ice().SelectedPair().has_value());
    EXPECT_FALSE(cms.media.Failed());
    // The permission for the browser's relay is a line in the Call Bridge's log.
    EXPECT_EQ(cms.notes, (std::vector<std::string>{"Info: TURN permission created for " +
                                                   relayed.address.address.ToString()}));
}

TEST(CallMedia, WrongTurnPasswordIsIceFailure4) {
    Net net;
    TurnNode turn(net, Ep("172.16.85.168", 3478), TurnServer(), 1);
    CmsNode cms(net, Ep("172.16.85.180", 41574), Media("wrong"));
    cms.media.Start(net.now);
    cms.Pump();
    net.RunFor(5s, [&] { return !cms.events.empty(); });
    ASSERT_EQ(cms.events.size(), 1u);
    const auto* failure = std::get_if<IceFailureEvent>(&cms.events[0]);
    ASSERT_NE(failure, nullptr);
    EXPECT_EQ(failure->code, 4);
    EXPECT_EQ(failure->reason, "unauthorized - check credentials");
    EXPECT_TRUE(cms.media.Failed());
}

TEST(CallMedia, SilentTurnServer) {
    Net net;
    CmsNode cms(net, Ep("172.16.85.180", 41574), Media("cisco"));
    cms.media.Start(net.now);
    cms.Pump();
    net.RunFor(60s, [&] { return !cms.events.empty(); });
    ASSERT_EQ(cms.events.size(), 1u);
    const auto* failure = std::get_if<IceFailureEvent>(&cms.events[0]);
    ASSERT_NE(failure, nullptr);
    EXPECT_EQ(failure->code, 2);
    EXPECT_EQ(failure->reason, "no response from TURN server");
}

namespace {

// The CMS's media against a scripted browser through one TURN server; returns after
// the browser signalled everything (its credentials, relay, end-of-candidates, `dtls`
// with `announced` as its fingerprint) and started ICE.
struct Call {
    Net net;
    Rng rng{77};
    pki::Identity cms_identity = test::SelfSigned(rng, "cms-dtls");
    TurnNode turn{net, Ep("172.16.85.168", 3478), TurnServer(), 1};
    std::unique_ptr<CmsNode> cms;
    test::ScriptedMediaPeer browser{
        net, "browser", Ep("172.16.84.124", 50000), ice::Role::Controlling, tls::Role::Server, 2};
    std::vector<std::string> key_log;

    explicit Call(const std::optional<std::string>& announced = std::nullopt,
                  bool cms_has_dtls = true) {
        CallMediaConfig config = Media("cisco");
        config.dtls_fingerprint =
            cms_identity.certificate.ComputeFingerprint("sha-256").HexWithColons();
        if (cms_has_dtls)
            config.session.dtls_context =
                test::DtlsContext(tls::Role::Client, cms_identity, 9,
                                  [this](const std::string& line) { key_log.push_back(line); });
        config.session.epoch_unix_s = *pki::ParseUtc("2017-05-20T10:00:00Z");
        cms = std::make_unique<CmsNode>(net, Ep("172.16.85.180", 41574), config);
        turn::ClientConfig browser_turn;
        browser_turn.server = Ep("172.16.85.168", 3478);
        browser_turn.username = "turnuser";
        browser_turn.password = "cisco";
        browser.UseTurn(browser_turn);
        cms->media.Start(net.now);
        cms->Pump();
        net.RunFor(1s, [&] {
            return browser.Allocated() &&
                   cms->media.Turn().GetState() == turn::Client::State::Allocated;
        });
        for (const auto& m : cms->to_browser) {
            if (auto p = std::get_if<webapp::IceParametersMessage>(&m))
                browser.agent.SetRemoteCredentials(ice::Credentials{p->ufrag, p->pwd});
            if (auto c = std::get_if<webapp::CandidateMessage>(&m))
                browser.agent.AddRemoteCandidate(*webapp::ToIceCandidate(*c), net.now);
            if (auto d = std::get_if<webapp::DtlsMessage>(&m))
                browser.ExpectPeer(
                    *pki::Fingerprint::ParseSdp(d->hash_function + " " + d->fingerprint));
        }
        const auto& creds = browser.agent.LocalCredentials();
        cms->media.OnSignaling(webapp::IceParametersMessage{creds.ufrag, creds.pwd}, net.now);
        const auto relayed = ice::MakeRelayedCandidate(browser.client->RelayedAddress(),
                                                       browser.client->MappedAddress(),
                                                       *IpAddress::Parse("172.16.85.168"));
        browser.agent.AddLocalCandidate(relayed, net.now);
        webapp::CandidateMessage c;
        c.foundation = relayed.foundation;
        c.priority = relayed.priority;
        c.address = relayed.address.address.ToString();
        c.port = relayed.address.port;
        c.type = ice::CandidateType::Relayed;
        cms->media.OnSignaling(c, net.now);
        cms->media.OnSignaling(webapp::EndOfCandidatesMessage{}, net.now);
        cms->media.OnSignaling(webapp::DtlsMessage{"sha-256",
                                                   announced.value_or(browser.Fingerprint()),
                                                   webapp::DtlsSetup::Passive},
                               net.now);
        cms->Pump();
        browser.agent.Start(net.now);
        browser.Pump();
    }

    // The events' kinds by their index in CallMediaEvent.
    std::vector<std::size_t> Events() const {
        std::vector<std::size_t> out;
        for (const auto& e : cms->events)
            out.push_back(e.index());
        return out;
    }
};

} // namespace

TEST(CallMedia, DtlsAsInitiatorThenSrtpAudioBothWays) {
    Call call;
    call.net.RunFor(10s);
    ASSERT_EQ(call.Events(), (std::vector<std::size_t>{kDtlsStart}));
    ASSERT_NE(call.cms->media.Dtls(), nullptr);
    EXPECT_EQ(call.cms->media.Dtls()->Info().version, "DTLSv1.2");
    EXPECT_EQ(call.cms->media.Dtls()->Info().srtp_profile, "SRTP_AES128_CM_SHA1_80");
    // The CMS is the DTLS client: the browser (server) saw its certificate.
    ASSERT_NE(call.cms->media.Dtls(), nullptr);
    EXPECT_EQ(call.cms->media.Dtls()->GetRole(), tls::Role::Client);
    EXPECT_EQ(*call.browser.dtls->PeerCertificate(), call.cms_identity.certificate);
    EXPECT_TRUE(call.cms->media.MediaFlowing());
    // Audio every 20 ms both ways for most of the 10 s, all authenticated.
    const media::Counters& stats = call.cms->media.Stats();
    EXPECT_GT(stats.packets_sent, 400u);
    EXPECT_GT(stats.packets_received, 400u);
    EXPECT_EQ(stats.srtp_refused, 0u);
    EXPECT_EQ(stats.bytes_sent, stats.packets_sent * (12 + 60 + 10));
    EXPECT_GT(call.browser.rtp_received, 400u);
    EXPECT_EQ(call.browser.srtp_refused, 0u);
    // Media goes over a bound channel once ICE is done.
    EXPECT_NE(call.cms->media.Turn().ChannelFor(call.browser.client->RelayedAddress()), 0);
    // Its DTLS secrets are in the key log, for Wireshark.
    ASSERT_FALSE(call.key_log.empty());
    EXPECT_EQ(call.key_log[0].rfind("CLIENT_RANDOM ", 0), 0u) << call.key_log[0];

    // The call ends: no more audio, and the allocation is deleted.
    call.cms->media.Close(call.net.now);
    call.cms->Pump();
    const auto sent = stats.packets_sent;
    call.net.RunFor(2s);
    EXPECT_EQ(call.cms->media.Stats().packets_sent, sent);
    EXPECT_NE(call.cms->media.Turn().GetState(), turn::Client::State::Allocated);
}

TEST(CallMedia, BrowserCertificateNotMatchingItsFingerprintFailsDtls) {
    // The browser announces another certificate's fingerprint than the one it serves.
    Rng other_rng(12);
    const pki::Identity other = test::SelfSigned(other_rng, "someone-else");
    Call call(other.certificate.ComputeFingerprint("sha-256").HexWithColons());
    call.net.RunFor(10s);
    ASSERT_EQ(call.Events(), (std::vector<std::size_t>{kDtlsStart, kDtlsFailure}));
    const auto& failure = std::get<DtlsFailureEvent>(call.cms->events[1]);
    EXPECT_NE(failure.reason.find("certificate"), std::string::npos) << failure.reason;
    EXPECT_FALSE(call.cms->media.MediaFlowing());
    EXPECT_EQ(call.cms->media.Stats().packets_sent, 0u);
    EXPECT_EQ(call.browser.rtp_received, 0u);
}

TEST(CallMedia, SameSeedSameDatagrams) {
    auto run = [] {
        Call call;
        call.net.RunFor(3s);
        std::vector<Bytes> wire;
        for (const auto& d : call.net.log)
            wire.push_back(d.data);
        return wire;
    };
    const auto a = run();
    const auto b = run();
    ASSERT_GT(a.size(), 100u);
    EXPECT_EQ(a, b);
}

// The Call Bridge's reaction to each kind of media session event it can be handed without
// a network (issue 10): what it asks its box to log or do. TurnAllocated and
// IceConnected need a live session; RelayIceAndDtlsStart shows them.
namespace {

struct Reaction {
    CallMedia media{Media("cisco"), Rng(5)};
    std::vector<CallMediaEvent> events;
    void Report(const media::Event& e) {
        media.OnSessionEvent(e, Instant{});
        while (auto out = media.PollEvent())
            events.push_back(*out);
    }
    // "Info: ..." / "Warning: ..." for notes, "ICE failure N (...)", "DTLS start",
    // "DTLS failure (...)".
    std::vector<std::string> Said() const {
        std::vector<std::string> out;
        for (const auto& e : events)
            std::visit(Overloaded{
                           [&](const IceFailureEvent& f) {
                               out.push_back("ICE failure " + std::to_string(f.code) + " (" +
                                             f.reason + ")");
                           },
                           [&](const DtlsStartEvent&) { out.push_back("DTLS start"); },
                           [&](const DtlsFailureEvent& f) {
                               out.push_back("DTLS failure (" + f.reason + ")");
                           },
                           [&](const MediaNoteEvent& n) {
                               out.push_back((n.warning ? "Warning: " : "Info: ") + n.text);
                           },
                           [&](const TurnTcpFallbackEvent& f) {
                               out.push_back("TCP fallback (" + f.why + ")");
                           },
                           [&](const TurnAllocatedOverTcpEvent& a) {
                               out.push_back("allocated over TCP at " + a.server.ToString());
                           },
                       },
                       e);
        return out;
    }
};

using Said = std::vector<std::string>;
const Endpoint kBrowserRelay = Ep("10.88.246.156", 24002);

TEST(CallMediaReaction, TurnChallengedSaysNothing) {
    Reaction r;
    r.Report(media::TurnChallenged{"turnuser"});
    EXPECT_EQ(r.Said(), Said{});
}

TEST(CallMediaReaction, TurnFailedIsTheProductsIceFailure) {
    Reaction r;
    r.Report(media::TurnFailed{431, "Integrity Check Failure"});
    EXPECT_EQ(r.Said(), Said{"ICE failure 4 (unauthorized - check credentials)"});
    Reaction silent;
    silent.Report(media::TurnFailed{0, "timeout"});
    EXPECT_EQ(silent.Said(), Said{"ICE failure 2 (no response from TURN server)"});
}

// With a TCP port to go to, silence over UDP is no failure yet: TURN over TCP next; the
// same silence over TCP is the failure, in words that say both were tried.
TEST(CallMediaReaction, TurnSilenceOverUdpFallsBackToTcpThenFails) {
    CallMediaConfig config = Media("cisco");
    config.turn_tcp_port = 3478;
    Reaction r{CallMedia{config, Rng(5)}, {}};
    r.Report(media::TurnFailed{0, "timeout"});
    EXPECT_EQ(r.Said(), Said{"TCP fallback (no answer)"});
    EXPECT_TRUE(r.media.OverTcp());
    EXPECT_FALSE(r.media.Failed());
    r.Report(media::TurnFailed{0, "timeout"});
    EXPECT_EQ(r.Said(), (Said{"TCP fallback (no answer)",
                              "ICE failure 2 (no response from TURN server over UDP or TCP)"}));
    EXPECT_TRUE(r.media.Failed());
}

TEST(CallMediaReaction, RefreshIsAnInfoLine) {
    Reaction r;
    r.Report(media::TurnRefreshed{600});
    EXPECT_EQ(r.Said(), Said{"Info: TURN allocation refreshed (lifetime 600 s)"});
}

TEST(CallMediaReaction, RefreshFailureIsAnIceFailure) {
    Reaction r;
    r.Report(media::TurnRefreshFailed{437, "Allocation Mismatch"});
    EXPECT_EQ(r.Said(),
              Said{"ICE failure 2 (TURN allocation refresh failed: 437 Allocation Mismatch)"});
    EXPECT_TRUE(r.media.Failed());
}

TEST(CallMediaReaction, PermissionIsAnInfoLine) {
    Reaction r;
    r.Report(media::TurnPermissionCreated{kBrowserRelay.address});
    EXPECT_EQ(r.Said(), Said{"Info: TURN permission created for 10.88.246.156"});
}

TEST(CallMediaReaction, PermissionFailureEndsTheCallOnlyForTheSelectedPeer) {
    Reaction other;
    other.Report(
        media::TurnPermissionFailed{*IpAddress::Parse("192.0.2.9"), 403, "Forbidden", false});
    EXPECT_EQ(other.Said(), Said{"Warning: TURN permission for 192.0.2.9 failed: 403 Forbidden"});
    EXPECT_FALSE(other.media.Failed());
    Reaction selected;
    selected.Report(media::TurnPermissionFailed{kBrowserRelay.address, 0, "timeout", true});
    EXPECT_EQ(selected.Said(), Said{"ICE failure 3 (TURN permission for 10.88.246.156 failed: "
                                    "no answer (timeout))"});
    EXPECT_TRUE(selected.media.Failed());
}

TEST(CallMediaReaction, ChannelBoundIsAnInfoLine) {
    Reaction r;
    r.Report(media::TurnChannelBound{kBrowserRelay, 0x4000});
    EXPECT_EQ(r.Said(), Said{"Info: TURN channel 0x4000 bound to 10.88.246.156:24002"});
}

TEST(CallMediaReaction, ChannelBindFailureIsAWarning) {
    Reaction r;
    r.Report(media::TurnChannelBindFailed{kBrowserRelay, 0x4000, 400, "Bad Request"});
    EXPECT_EQ(r.Said(), Said{"Warning: TURN channel bind to 10.88.246.156:24002 failed: 400 "
                             "Bad Request"});
    EXPECT_FALSE(r.media.Failed());
}

TEST(CallMediaReaction, IceFailedAndConsentLostAreIceFailure3) {
    Reaction failed;
    failed.Report(media::IceFailed{"all pairs failed"});
    EXPECT_EQ(failed.Said(), Said{"ICE failure 3 (connectivity checks failed)"});
    Reaction lost;
    lost.Report(media::ConsentLost{"no answer"});
    EXPECT_EQ(lost.Said(), Said{"ICE failure 3 (connectivity checks failed)"});
}

TEST(CallMediaReaction, IceRoleChangeIsAnInfoLine) {
    Reaction r;
    r.Report(media::IceRoleChanged{true, "487 Role Conflict"});
    EXPECT_EQ(r.Said(), Said{"Info: ICE role conflict, now controlling"});
}

TEST(CallMediaReaction, DtlsResults) {
    Reaction ok;
    ok.Report(media::DtlsConnected{"DTLSv1.2", "SRTP_AES128_CM_SHA1_80"});
    EXPECT_EQ(ok.Said(), Said{}) << "the audio starts; nothing to log";
    Reaction failed;
    failed.Report(media::DtlsFailed{"bad certificate"});
    EXPECT_EQ(failed.Said(), Said{"DTLS failure (bad certificate)"});
}

TEST(CallMediaReaction, RtpIsOnlyCounted) {
    Reaction r;
    r.Report(media::RtpSent{182});
    r.Report(media::RtpReceived{190});
    EXPECT_EQ(r.Said(), Said{});
}

} // namespace
