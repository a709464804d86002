// Two media sessions on the in-memory network of the ICE tests, through a real
// turn::Server: one configured as the browser (ICE controlling, DTLS server), one as the
// CMS (ICE controlled, DTLS client, SOFTWARE in its TURN requests). The test carries
// what signaling would (ICE credentials, relayed candidates, fingerprints) and shows
// each event happen: the TURN challenge, allocation and failure, ICE connected, failed
// and consent lost, DTLS connected and failed, RTP sent and received.
#include "../browser/scripted_media_peer.h"
#include "session_node.h"

#include "common/overloaded.h"
#include "ice/candidate.h"
#include "media/media_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

namespace cmslab::media {
namespace {

using namespace std::chrono_literals;
using ice::test::Ep;
using ice::test::Net;
using ice::test::TurnNode;
using Names = std::vector<std::string>;
using test::SessionNode;

const Endpoint kTurnServer = Ep("192.168.245.61", 3478);
const IpAddress kRelayAddress = *IpAddress::Parse("192.168.245.61");
const Endpoint kBrowserHost = Ep("172.16.84.124", 50000);
const Endpoint kCmsHost = Ep("172.16.85.180", 41574);

turn::ServerConfig TurnServerConfig() {
    turn::ServerConfig c;
    c.realm = "turnuser";
    c.users = {{"turnuser", "cisco"}};
    c.relays = {{kRelayAddress, kRelayAddress}};
    return c;
}

// The two sides of a call, each with its own certificate and allocation.
struct Call {
    Net net;
    Rng rng{31};
    pki::Identity browser_identity = cmslab::test::SelfSigned(rng, "WebRTC");
    pki::Identity cms_identity = cmslab::test::SelfSigned(rng, "cms-dtls");
    TurnNode turn{net, kTurnServer, TurnServerConfig(), 1};
    std::unique_ptr<SessionNode> browser;
    std::unique_ptr<SessionNode> cms;

    static SessionConfig Common(const std::string& password) {
        SessionConfig c;
        c.turn_server = kTurnServer;
        c.username = "turnuser";
        c.password = password;
        c.epoch_unix_s = *pki::ParseUtc("2017-05-20T10:00:00Z");
        return c;
    }
    SessionConfig BrowserConfig() const {
        SessionConfig c = Common("cisco");
        c.ice_role = ice::Role::Controlling;
        c.local_ice = ice::Credentials{"abcd", "0123456789abcdefghijkl"};
        c.dtls_context = cmslab::test::DtlsContext(tls::Role::Server, browser_identity, 8);
        return c;
    }
    SessionConfig CmsConfig(const std::string& password = "cisco") const {
        SessionConfig c = Common(password);
        c.turn_software = "Cisco Meeting Server";
        c.ice_role = ice::Role::Controlled;
        c.dtls_context = cmslab::test::DtlsContext(tls::Role::Client, cms_identity, 9);
        return c;
    }

    explicit Call(std::function<void(SessionConfig&, SessionConfig&)> adjust = {}) {
        SessionConfig b = BrowserConfig();
        SessionConfig c = CmsConfig();
        if (adjust)
            adjust(b, c);
        browser =
            std::make_unique<SessionNode>(net, kBrowserHost, b, Rng(4), Rng(4).Fork("traffic"));
        cms = std::make_unique<SessionNode>(net, kCmsHost, c, Rng(3), Rng(3).Fork("traffic"));
    }

    bool BothAllocated() const {
        return browser->session.Turn().GetState() == turn::Client::State::Allocated &&
               cms->session.Turn().GetState() == turn::Client::State::Allocated;
    }
    void Allocate() {
        browser->session.Allocate(net.now);
        browser->Pump();
        cms->session.Allocate(net.now);
        cms->Pump();
        net.RunFor(1s, [&] { return BothAllocated(); });
        ASSERT_TRUE(BothAllocated());
    }
    // What signaling carries both ways, then checks on both sides.
    void StartIce() {
        Signal(*browser, *cms);
        Signal(*cms, *browser);
        cms->session.StartIce(net.now);
        cms->Pump();
        browser->session.StartIce(net.now);
        browser->Pump();
    }
    void Signal(SessionNode& from, SessionNode& to) {
        to.session.SetRemoteCredentials(from.session.Ice().LocalCredentials());
        to.session.AddRemoteCandidate(from.session.RelayCandidate(), net.now);
        to.session.SetRemoteEndOfCandidates(net.now);
        to.Pump();
    }
    pki::Fingerprint BrowserFingerprint() const {
        return browser_identity.certificate.ComputeFingerprint("sha-256");
    }
    pki::Fingerprint CmsFingerprint() const {
        return cms_identity.certificate.ComputeFingerprint("sha-256");
    }
    // Fingerprints from signaling, before ICE is done: DTLS waits for the selected pair.
    void StartDtls() {
        cms->session.StartDtls(BrowserFingerprint(), net.now);
        cms->Pump();
        browser->session.StartDtls(CmsFingerprint(), net.now);
        browser->Pump();
    }
    bool BothKeyed() const { return browser->session.KeysReady() && cms->session.KeysReady(); }
    void StartMedia() {
        for (SessionNode* n : {browser.get(), cms.get()}) {
            n->session.StartMedia(net.now);
            n->Pump();
        }
    }
    // Allocation, ICE and DTLS done.
    void Connect() {
        Allocate();
        StartIce();
        StartDtls();
        net.RunFor(5s, [&] { return BothKeyed(); });
        ASSERT_TRUE(BothKeyed());
    }
    std::vector<Bytes> Wire() const {
        std::vector<Bytes> out;
        for (const auto& d : net.log)
            out.push_back(d.data);
        return out;
    }
};

TEST(MediaSession, TurnChallengeThenAllocation) {
    Call call;
    call.Allocate();
    for (SessionNode* n : {call.browser.get(), call.cms.get()}) {
        ASSERT_EQ(n->Kinds(), (Names{"TurnChallenged", "TurnAllocated"}));
        EXPECT_EQ(n->First<TurnChallenged>()->realm, "turnuser");
        EXPECT_EQ(n->First<TurnAllocated>()->relayed.address, kRelayAddress);
        EXPECT_EQ(n->First<TurnAllocated>()->relayed, n->session.Turn().RelayedAddress());
    }
    EXPECT_EQ(call.browser->First<TurnAllocated>()->mapped, kBrowserHost);
    EXPECT_EQ(call.cms->First<TurnAllocated>()->mapped, kCmsHost);
    // The relayed candidate is what signaling carries.
    const ice::Candidate relay = call.cms->session.RelayCandidate();
    EXPECT_EQ(relay.type, ice::CandidateType::Relayed);
    EXPECT_EQ(relay.address, call.cms->First<TurnAllocated>()->relayed);
}

TEST(MediaSession, TurnSoftwareIsConfigured) {
    Call call;
    call.Allocate();
    const std::string software = "Cisco Meeting Server";
    auto carries = [&](const Endpoint& from) {
        for (const auto& d : call.net.log)
            if (d.from == from && d.to == kTurnServer &&
                std::search(d.data.begin(), d.data.end(), software.begin(), software.end()) !=
                    d.data.end())
                return true;
        return false;
    };
    EXPECT_TRUE(carries(kCmsHost));
    EXPECT_FALSE(carries(kBrowserHost));
}

TEST(MediaSession, WrongTurnPasswordFailsTheAllocation) {
    Call call([](SessionConfig&, SessionConfig& cms) { cms.password = "wrong"; });
    call.cms->session.Allocate(call.net.now);
    call.cms->Pump();
    call.net.RunFor(5s, [&] { return call.cms->First<TurnFailed>() != nullptr; });
    ASSERT_EQ(call.cms->Kinds(), (Names{"TurnChallenged", "TurnFailed"}));
    // The server cannot check the request's integrity with the wrong password.
    EXPECT_EQ(call.cms->First<TurnFailed>()->code, 431);
    EXPECT_NE(call.cms->session.Turn().GetState(), turn::Client::State::Allocated);
}

TEST(MediaSession, SilentTurnServerFailsWithCodeZero) {
    Call call;
    call.net.filter = [](const ice::test::Datagram& d) { return !(d.to == kTurnServer); };
    call.browser->session.Allocate(call.net.now);
    call.browser->Pump();
    call.net.RunFor(60s, [&] { return call.browser->First<TurnFailed>() != nullptr; });
    ASSERT_EQ(call.browser->Kinds(), (Names{"TurnFailed"}));
    EXPECT_EQ(call.browser->First<TurnFailed>()->code, 0);
}

TEST(MediaSession, IceConnectsRelayToRelayAndBindsAChannel) {
    Call call;
    call.Allocate();
    call.StartIce();
    call.net.RunFor(
        5s, [&] { return call.browser->First<IceConnected>() && call.cms->First<IceConnected>(); });
    for (auto [self, peer] : {std::pair{call.browser.get(), call.cms.get()},
                              std::pair{call.cms.get(), call.browser.get()}}) {
        // The side that connected first may have its channel bound already.
        const Names kinds = self->Kinds();
        ASSERT_GE(kinds.size(), 4u);
        EXPECT_EQ(
            Names(kinds.begin(), kinds.begin() + 4),
            (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated", "IceConnected"}));
        const IceConnected& e = *self->First<IceConnected>();
        EXPECT_EQ(e.local, self->session.Turn().RelayedAddress());
        EXPECT_EQ(e.remote, peer->session.Turn().RelayedAddress());
        EXPECT_EQ(DescribePair(e), e.local.ToString() + " <-> " + e.remote.ToString());
    }
    // The configured roles: the browser nominated.
    EXPECT_EQ(call.browser->session.Ice().GetRole(), ice::Role::Controlling);
    EXPECT_EQ(call.cms->session.Ice().GetRole(), ice::Role::Controlled);
    call.net.RunFor(1s);
    EXPECT_NE(call.browser->session.Turn().ChannelFor(call.cms->session.Turn().RelayedAddress()),
              0);
    const auto* bound = call.browser->First<TurnChannelBound>();
    ASSERT_NE(bound, nullptr);
    EXPECT_EQ(bound->peer, call.cms->session.Turn().RelayedAddress());
    EXPECT_EQ(bound->channel, 0x4000);
}

TEST(MediaSession, NoChannelWhenNotConfigured) {
    Call call([](SessionConfig& browser, SessionConfig& cms) {
        browser.bind_channel = false;
        cms.bind_channel = false;
    });
    call.Connect();
    call.StartMedia();
    call.net.RunFor(1s);
    EXPECT_EQ(call.browser->session.Turn().ChannelFor(call.cms->session.Turn().RelayedAddress()),
              0);
    // Media still flows, as Send indications.
    EXPECT_GE(call.browser->Count<RtpReceived>(), 45u);
    EXPECT_GE(call.cms->Count<RtpReceived>(), 45u);
}

TEST(MediaSession, UnansweredChecksFailIce) {
    Call call;
    call.Allocate();
    // Nothing reaches the CMS's relay: the browser's checks go unanswered.
    const Endpoint cms_relay = call.cms->session.Turn().RelayedAddress();
    call.net.filter = [cms_relay](const ice::test::Datagram& d) { return !(d.to == cms_relay); };
    call.Signal(*call.cms, *call.browser);
    call.browser->session.StartIce(call.net.now);
    call.browser->Pump();
    call.net.RunFor(40s, [&] { return call.browser->First<IceFailed>() != nullptr; });
    ASSERT_EQ(call.browser->Kinds(),
              (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated", "IceFailed"}));
    EXPECT_FALSE(call.browser->First<IceFailed>()->reason.empty());
}

TEST(MediaSession, SilenceAfterTheSelectedPairLosesConsent) {
    Call call;
    call.Connect();
    // From now on the relays deliver nothing to either side.
    call.net.filter = [](const ice::test::Datagram& d) {
        return !(d.from.address == kRelayAddress && d.from.port != kTurnServer.port);
    };
    call.net.RunFor(
        45s, [&] { return call.browser->First<ConsentLost>() && call.cms->First<ConsentLost>(); });
    for (SessionNode* n : {call.browser.get(), call.cms.get()}) {
        ASSERT_NE(n->First<ConsentLost>(), nullptr);
        EXPECT_NE(n->First<ConsentLost>()->reason.find("consent"), std::string::npos)
            << n->First<ConsentLost>()->reason;
        EXPECT_EQ(n->Count<IceFailed>(), 0u);
    }
}

TEST(MediaSession, DtlsOverTheSelectedPairExportsSrtpKeys) {
    Call call;
    call.Connect();
    for (SessionNode* n : {call.browser.get(), call.cms.get()}) {
        ASSERT_EQ(n->Kinds(), (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated",
                                     "IceConnected", "TurnChannelBound", "DtlsConnected"}));
        EXPECT_EQ(n->First<DtlsConnected>()->version, "DTLSv1.2");
        EXPECT_EQ(n->First<DtlsConnected>()->srtp_profile, "SRTP_AES128_CM_SHA1_80");
    }
    // The roles come from the contexts; each saw the other's certificate.
    EXPECT_EQ(call.browser->session.Dtls()->GetRole(), tls::Role::Server);
    EXPECT_EQ(call.cms->session.Dtls()->GetRole(), tls::Role::Client);
    EXPECT_EQ(*call.browser->session.Dtls()->PeerCertificate(), call.cms_identity.certificate);
    EXPECT_EQ(*call.cms->session.Dtls()->PeerCertificate(), call.browser_identity.certificate);
}

TEST(MediaSession, ServerKeepsTheClientsFirstFlightUntilStartDtls) {
    Call call;
    call.Allocate();
    call.StartIce();
    call.cms->session.StartDtls(call.BrowserFingerprint(), call.net.now);
    call.cms->Pump();
    call.net.RunFor(2s);
    EXPECT_EQ(call.browser->Count<DtlsConnected>(), 0u);
    EXPECT_GE(call.browser->session.GetCounters().dtls_before_start, 1u);
    call.browser->session.StartDtls(call.CmsFingerprint(), call.net.now);
    call.browser->Pump();
    call.net.RunFor(3s, [&] { return call.BothKeyed(); });
    EXPECT_TRUE(call.BothKeyed());
}

TEST(MediaSession, CertificateNotMatchingTheFingerprintFailsDtls) {
    Call call;
    call.Allocate();
    call.StartIce();
    Rng other_rng(99);
    const pki::Identity other = cmslab::test::SelfSigned(other_rng, "someone-else");
    call.cms->session.StartDtls(other.certificate.ComputeFingerprint("sha-256"), call.net.now);
    call.cms->Pump();
    call.browser->session.StartDtls(call.CmsFingerprint(), call.net.now);
    call.browser->Pump();
    call.net.RunFor(5s, [&] { return call.cms->First<DtlsFailed>() != nullptr; });
    ASSERT_EQ(call.cms->Kinds(), (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated",
                                        "IceConnected", "TurnChannelBound", "DtlsFailed"}));
    EXPECT_NE(call.cms->First<DtlsFailed>()->reason.find("certificate"), std::string::npos)
        << call.cms->First<DtlsFailed>()->reason;
    // No keys, no media.
    call.StartMedia();
    call.net.RunFor(1s);
    EXPECT_EQ(call.cms->Count<RtpSent>(), 0u);
    EXPECT_EQ(call.browser->Count<RtpSent>(), 0u);
}

TEST(MediaSession, NoDtlsContextFailsDtlsAtOnce) {
    Call call([](SessionConfig&, SessionConfig& cms) { cms.dtls_context.reset(); });
    call.cms->session.StartDtls(call.BrowserFingerprint(), call.net.now);
    call.cms->Pump();
    ASSERT_EQ(call.cms->Kinds(), (Names{"DtlsFailed"}));
    EXPECT_EQ(call.cms->First<DtlsFailed>()->reason, "no DTLS certificate");
}

TEST(MediaSession, RtpBothWaysPacedByTheCodec) {
    // The CMS sends 10 ms frames of 100 bytes under another payload type.
    Call call([](SessionConfig&, SessionConfig& cms) {
        cms.codec.packet_interval = 10ms;
        cms.codec.payload_bytes = 100;
        cms.codec.payload_type = 96;
    });
    call.Connect();
    call.StartMedia();
    EXPECT_TRUE(call.browser->session.Sending());
    call.net.RunFor(2s);
    const Counters& b = call.browser->session.GetCounters();
    const Counters& c = call.cms->session.GetCounters();
    EXPECT_GE(b.packets_sent, 100u);
    EXPECT_LE(b.packets_sent, 102u);
    EXPECT_GE(c.packets_sent, 200u);
    EXPECT_LE(c.packets_sent, 202u);
    EXPECT_EQ(call.browser->First<RtpSent>()->size, 12u + 60u + 10u); // header, payload, tag
    EXPECT_EQ(call.cms->First<RtpSent>()->size, 12u + 100u + 10u);
    EXPECT_EQ(b.bytes_sent, b.packets_sent * (12 + 60 + 10));
    EXPECT_EQ(call.browser->Count<RtpSent>(), b.packets_sent);
    // What one side sent, the other authenticated (but the last few in flight).
    EXPECT_GE(c.packets_received + 3, b.packets_sent);
    EXPECT_GE(b.packets_received + 5, c.packets_sent);
    EXPECT_EQ(call.cms->Count<RtpReceived>(), c.packets_received);
    EXPECT_EQ(call.cms->First<RtpReceived>()->size, 12u + 60u + 10u);
    EXPECT_EQ(call.browser->First<RtpReceived>()->size, 12u + 100u + 10u);
    EXPECT_EQ(b.srtp_refused + c.srtp_refused, 0u);

    // Stopped: nothing more is sent; closed: the allocation goes.
    call.browser->session.StopMedia();
    const auto sent = b.packets_sent;
    call.browser->session.Close(call.net.now);
    call.browser->Pump();
    call.net.RunFor(1s);
    EXPECT_EQ(call.browser->session.GetCounters().packets_sent, sent);
    EXPECT_NE(call.browser->session.Turn().GetState(), turn::Client::State::Allocated);
}

TEST(MediaSession, MediaWaitsForTheKeys) {
    Call call;
    call.Allocate();
    call.StartIce();
    call.net.RunFor(2s);
    call.StartMedia(); // no DTLS yet: refused
    call.net.RunFor(1s);
    EXPECT_FALSE(call.browser->session.Sending());
    EXPECT_EQ(call.browser->Count<RtpSent>(), 0u);
}

// A driver reacting to events inside its pump, as the CMS's adapter does: ICE once the
// relay exists, media once the keys are there. Every event is handled.
TEST(MediaSession, EventsDriveTheCallWhenVisited) {
    Call call;
    std::vector<std::string> seen;
    call.cms->on_event = [&](const Event& event) {
        std::visit(Overloaded{
                       [&](const TurnChallenged&) { seen.push_back("challenged"); },
                       [&](const TurnAllocated&) {
                           seen.push_back("allocated");
                           call.cms->session.StartIce(call.net.now);
                       },
                       [&](const TurnFailed&) { seen.push_back("turn failed"); },
                       [&](const TurnRefreshed&) { seen.push_back("refreshed"); },
                       [&](const TurnRefreshFailed&) { seen.push_back("refresh failed"); },
                       [&](const TurnPermissionCreated&) { seen.push_back("permission"); },
                       [&](const TurnPermissionFailed&) { seen.push_back("permission failed"); },
                       [&](const TurnChannelBound&) { seen.push_back("channel"); },
                       [&](const TurnChannelBindFailed&) { seen.push_back("channel failed"); },
                       [&](const IceConnected&) { seen.push_back("connected"); },
                       [&](const IceRoleChanged&) { seen.push_back("role changed"); },
                       [&](const IceFailed&) { seen.push_back("ice failed"); },
                       [&](const ConsentLost&) { seen.push_back("consent lost"); },
                       [&](const DtlsConnected&) {
                           seen.push_back("keys");
                           call.cms->session.StartMedia(call.net.now);
                       },
                       [&](const DtlsFailed&) { seen.push_back("dtls failed"); },
                       [](const RtpSent&) {},
                       [](const RtpReceived&) {},
                   },
                   event);
    };
    call.Allocate();
    call.Signal(*call.browser, *call.cms);
    call.Signal(*call.cms, *call.browser);
    call.browser->session.StartIce(call.net.now);
    call.browser->Pump();
    call.StartDtls();
    call.net.RunFor(2s);
    EXPECT_EQ(seen,
              (Names{"challenged", "allocated", "permission", "connected", "channel", "keys"}));
    EXPECT_GT(call.browser->Count<RtpReceived>(), 0u);
}

TEST(MediaSession, DatagramsFromElsewhereAreDropped) {
    Call call;
    call.browser->session.OnDatagram(Ep("203.0.113.9", 3478), Bytes{0, 1, 0, 0}, call.net.now);
    call.browser->Pump();
    EXPECT_EQ(call.browser->session.GetCounters().dropped, 1u);
    EXPECT_TRUE(call.browser->events.empty());
}

TEST(MediaSession, SameSeedsSameDatagrams) {
    auto run = [] {
        Call call;
        call.Connect();
        call.StartMedia();
        call.net.RunFor(1s);
        return call.Wire();
    };
    const auto a = run();
    ASSERT_GT(a.size(), 100u);
    EXPECT_EQ(a, run());
}

} // namespace
} // namespace cmslab::media

namespace cmslab::media {
namespace {

// The TURN server restarts mid-call and forgets every allocation: the next refreshes are
// answered 437. The permission to the meeting goes first (RFC 8656 section 9: 300 s,
// refreshed a minute early), which ends the media; then the allocation's own refresh.
TEST(MediaSession, ATurnServerThatForgotTheAllocationEndsTheMedia) {
    Call call;
    call.Connect();
    call.StartMedia();
    call.net.RunFor(1s);
    ASSERT_TRUE(call.browser->session.Sending());
    const Endpoint meeting = call.cms->session.Turn().RelayedAddress();
    call.turn.server = turn::Server(TurnServerConfig(), Rng(99));
    call.net.RunFor(600s);

    const auto* lost = call.browser->First<TurnPermissionFailed>();
    ASSERT_NE(lost, nullptr) << testing::PrintToString(call.browser->Kinds());
    EXPECT_EQ(lost->peer, meeting.address);
    EXPECT_EQ(lost->code, 437);
    EXPECT_EQ(lost->reason, "Allocation Mismatch");
    EXPECT_TRUE(lost->media_lost);
    EXPECT_FALSE(call.browser->session.Sending());
    const auto packets = call.browser->session.GetCounters().packets_sent;
    const auto* refresh = call.browser->First<TurnRefreshFailed>();
    ASSERT_NE(refresh, nullptr);
    EXPECT_EQ(refresh->code, 437);
    EXPECT_EQ(DescribeTurnError(refresh->code, refresh->reason), "437 Allocation Mismatch");
    call.net.RunFor(10s);
    EXPECT_EQ(call.browser->session.GetCounters().packets_sent, packets);
}

// Before the server forgets anything, each refresh is an event of its own.
TEST(MediaSession, RefreshesAreReported) {
    Call call;
    call.Connect();
    call.net.RunFor(600s);
    const auto* refreshed = call.browser->First<TurnRefreshed>();
    ASSERT_NE(refreshed, nullptr);
    EXPECT_EQ(refreshed->lifetime, 600u);
    EXPECT_GE(call.browser->Count<TurnPermissionCreated>(), 2u); // created, then refreshed
    EXPECT_EQ(call.browser->Count<TurnPermissionFailed>(), 0u);
    EXPECT_EQ(DescribeTurnError(0, "timeout"), "no answer (timeout)");
}

} // namespace
} // namespace cmslab::media
