// The browser's media (a media::Session as BrowserApp configures it) against a scripted
// CMS on the in-memory
// network of the ICE tests, through a real turn::Server: the relay with its 401
// challenge, ICE (the browser controlling), DTLS with the browser passive and the CMS's
// certificate checked against the signalled fingerprint, SRTP audio both ways. Then what
// goes wrong: a CMS certificate other than the announced one, a CMS that sends no RTP,
// a CMS that never answers ICE.
#include "../media/session_node.h"

#include "scripted_media_peer.h"

#include <gtest/gtest.h>

namespace cmslab::browser::test {
namespace {

using namespace std::chrono_literals;
using cmslab::test::ScriptedMediaPeer;
using ice::test::Ep;
using ice::test::Net;
using ice::test::TurnNode;
using Names = std::vector<std::string>;

turn::ServerConfig TurnServer() {
    turn::ServerConfig c;
    c.realm = "turnuser";
    c.users = {{"turnuser", "cisco"}};
    c.relays = {{*IpAddress::Parse("192.168.245.61"), *IpAddress::Parse("192.168.245.61")}};
    return c;
}

turn::ClientConfig TurnClient() {
    turn::ClientConfig c;
    c.server = Ep("192.168.245.61", 3478);
    c.username = "turnuser";
    c.password = "cisco";
    return c;
}

// The browser's session with what BrowserApp does around it.
class BrowserNode : public media::test::SessionNode {
  public:
    BrowserNode(Net& net, const Endpoint& host, media::SessionConfig config)
        : SessionNode(net, host, std::move(config), Rng(4), Rng(4)) {}
    // For the script's StartIce.
    void StartIce(const ice::Credentials& remote, const std::vector<ice::Candidate>& candidates) {
        session.SetRemoteCredentials(remote);
        for (const auto& c : candidates)
            session.AddRemoteCandidate(c, Now());
        session.StartIce(Now());
    }
    // For StartMedia: the first frame goes at once.
    void StartMedia() {
        const bool was_sending = session.Sending();
        session.StartMedia(Now());
        if (session.Sending() && !was_sending)
            session.HandleTimeout(Now());
        Pump();
    }
};

struct Call {
    Net net;
    Rng rng{21};
    pki::Identity browser_identity = cmslab::test::SelfSigned(rng, "WebRTC");
    std::vector<std::string> key_log;
    TurnNode turn{net, Ep("192.168.245.61", 3478), TurnServer(), 1};
    ScriptedMediaPeer cms{
        net, "cms", Ep("172.16.85.180", 41574), ice::Role::Controlled, tls::Role::Client, 3};
    std::unique_ptr<BrowserNode> browser;

    Call() {
        media::SessionConfig config;
        config.ice_role = ice::Role::Controlling;
        config.turn_server = Ep("192.168.245.61", 3478);
        config.username = "turnuser";
        config.password = "cisco";
        config.local_ice = ice::Credentials{"abcd", "0123456789abcdefghijkl"};
        config.dtls_context =
            cmslab::test::DtlsContext(tls::Role::Server, browser_identity, 8,
                                      [this](const std::string& l) { key_log.push_back(l); });
        config.epoch_unix_s = *pki::ParseUtc("2017-05-20T10:00:00Z");
        browser = std::make_unique<BrowserNode>(net, Ep("172.16.84.124", 50000), config);
        cms.UseTurn(TurnClient());
        browser->session.Allocate(net.now);
        browser->Pump();
        net.RunFor(1s, [&] {
            return cms.Allocated() &&
                   browser->session.Turn().GetState() == turn::Client::State::Allocated;
        });
    }

    ice::Candidate BrowserRelay() const {
        return ice::MakeRelayedCandidate(browser->session.Turn().RelayedAddress(),
                                         browser->session.Turn().MappedAddress(),
                                         *IpAddress::Parse("192.168.245.61"));
    }
    ice::Candidate CmsRelay() const {
        return ice::MakeRelayedCandidate(cms.client->RelayedAddress(), cms.client->MappedAddress(),
                                         *IpAddress::Parse("192.168.245.61"));
    }
    pki::Fingerprint BrowserFingerprint() const {
        return browser_identity.certificate.ComputeFingerprint("sha-256");
    }
    pki::Fingerprint CmsFingerprint() const {
        return cms.identity.certificate.ComputeFingerprint("sha-256");
    }

    // What the signaling carries, both ways; the CMS starts its checks and expects the
    // browser's certificate.
    void Signal(bool browser_starts_dtls = true) {
        cms.agent.SetRemoteCredentials(browser->session.Ice().LocalCredentials());
        cms.agent.AddLocalCandidate(CmsRelay(), net.now);
        cms.agent.AddRemoteCandidate(BrowserRelay(), net.now);
        cms.agent.Start(net.now);
        cms.ExpectPeer(BrowserFingerprint());
        cms.Pump();
        browser->StartIce(cms.agent.LocalCredentials(), {CmsRelay()});
        if (browser_starts_dtls)
            browser->session.StartDtls(CmsFingerprint(), net.now);
        browser->Pump();
    }
};

TEST(BrowserMedia, RelayIceDtlsPassiveAndSrtpBothWays) {
    Call call;
    ASSERT_EQ(call.browser->Kinds(), (Names{"TurnChallenged", "TurnAllocated"}));
    EXPECT_EQ(call.browser->First<media::TurnChallenged>()->realm, "turnuser");
    EXPECT_EQ(call.browser->First<media::TurnAllocated>()->relayed.address,
              *IpAddress::Parse("192.168.245.61"));
    EXPECT_EQ(call.browser->First<media::TurnAllocated>()->mapped, Ep("172.16.84.124", 50000));

    call.Signal();
    // The browser (the server) is done on the CMS's Finished, the CMS on the browser's.
    call.net.RunFor(3s, [&] {
        return call.browser->First<media::DtlsConnected>() != nullptr &&
               call.cms.dtls->Established();
    });
    ASSERT_EQ(call.browser->Kinds(),
              (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated", "IceConnected",
                     "TurnChannelBound", "DtlsConnected"}));
    EXPECT_EQ(media::DescribePair(*call.browser->First<media::IceConnected>()),
              call.BrowserRelay().address.ToString() + " <-> " +
                  call.CmsRelay().address.ToString());
    EXPECT_EQ(call.browser->First<media::DtlsConnected>()->version, "DTLSv1.2");
    EXPECT_EQ(call.browser->First<media::DtlsConnected>()->srtp_profile, "SRTP_AES128_CM_SHA1_80");
    // Passive: the browser is the DTLS server and saw the CMS's certificate.
    ASSERT_NE(call.browser->session.Dtls(), nullptr);
    EXPECT_EQ(call.browser->session.Dtls()->GetRole(), tls::Role::Server);
    EXPECT_EQ(*call.browser->session.Dtls()->PeerCertificate(), call.cms.identity.certificate);
    ASSERT_TRUE(call.cms.dtls->Established());
    // The DTLS secret went to the key log.
    ASSERT_EQ(call.key_log.size(), 1u);
    EXPECT_EQ(call.key_log[0].rfind("CLIENT_RANDOM ", 0), 0u);

    // Audio: 50 packets a second each way, all authenticated on the other side.
    call.browser->StartMedia();
    call.net.RunFor(2s);
    EXPECT_GE(call.browser->Count<media::RtpSent>(), 100u);
    EXPECT_LE(call.browser->Count<media::RtpSent>(), 102u);
    EXPECT_GE(call.browser->Count<media::RtpReceived>(), 95u);
    EXPECT_EQ(call.browser->First<media::RtpSent>()->size, 12u + 60u + 10u); // header, Opus, tag
    EXPECT_GE(call.cms.rtp_received, 95u);
    EXPECT_EQ(call.cms.srtp_refused, 0u);
    EXPECT_EQ(call.browser->session.GetCounters().srtp_refused, 0u);
    // After the checks the media rides a bound channel (ChannelData, not Send indications).
    EXPECT_NE(call.browser->session.Turn().ChannelFor(call.CmsRelay().address), 0);

    // Hang up: nothing more is sent, the allocation goes.
    call.browser->session.StopMedia();
    const std::size_t sent = call.browser->Count<media::RtpSent>();
    call.browser->session.Close(call.net.now);
    call.browser->Pump();
    call.net.RunFor(1s);
    EXPECT_EQ(call.browser->Count<media::RtpSent>(), sent);
    EXPECT_NE(call.browser->session.Turn().GetState(), turn::Client::State::Allocated);
}

TEST(BrowserMedia, DtlsFromTheCmsBeforeStartDtlsIsKept) {
    Call call;
    call.Signal(/*browser_starts_dtls=*/false);
    // ICE completes; the CMS starts DTLS at once; the browser has not been told to yet.
    call.net.RunFor(2s);
    EXPECT_EQ(call.browser->Kinds(),
              (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated", "IceConnected",
                     "TurnChannelBound"}));
    EXPECT_GE(call.browser->session.GetCounters().dtls_before_start, 1u);
    call.browser->session.StartDtls(call.CmsFingerprint(), call.net.now);
    call.browser->Pump();
    call.net.RunFor(2s, [&] { return call.browser->First<media::DtlsConnected>() != nullptr; });
    ASSERT_NE(call.browser->First<media::DtlsConnected>(), nullptr);
}

TEST(BrowserMedia, CmsCertificateNotMatchingItsFingerprintFailsDtls) {
    Call call;
    call.cms.agent.SetRemoteCredentials(call.browser->session.Ice().LocalCredentials());
    call.cms.agent.AddLocalCandidate(call.CmsRelay(), call.net.now);
    call.cms.agent.AddRemoteCandidate(call.BrowserRelay(), call.net.now);
    call.cms.agent.Start(call.net.now);
    call.cms.ExpectPeer(call.BrowserFingerprint());
    call.browser->StartIce(call.cms.agent.LocalCredentials(), {call.CmsRelay()});
    // The signalled fingerprint is of another certificate than the one the CMS serves.
    Rng other_rng(99);
    const pki::Identity other = cmslab::test::SelfSigned(other_rng, "someone-else");
    call.browser->session.StartDtls(other.certificate.ComputeFingerprint("sha-256"), call.net.now);
    call.browser->Pump();
    call.net.RunFor(5s);
    ASSERT_EQ(call.browser->Kinds(),
              (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated", "IceConnected",
                     "TurnChannelBound", "DtlsFailed"}));
    EXPECT_NE(call.browser->First<media::DtlsFailed>()->reason.find("certificate"),
              std::string::npos)
        << call.browser->First<media::DtlsFailed>()->reason;
    call.browser->StartMedia(); // refused: no keys
    call.net.RunFor(1s);
    EXPECT_EQ(call.browser->Count<media::RtpSent>(), 0u);
    EXPECT_EQ(call.cms.rtp_received, 0u);
}

TEST(BrowserMedia, CmsSendingNoRtpGivesNothingReceived) {
    Call call;
    call.cms.send_rtp = false;
    call.Signal();
    call.net.RunFor(2s, [&] { return call.browser->First<media::DtlsConnected>() != nullptr; });
    ASSERT_NE(call.browser->First<media::DtlsConnected>(), nullptr);
    call.browser->StartMedia();
    call.net.RunFor(2s);
    EXPECT_GE(call.browser->Count<media::RtpSent>(), 100u);
    EXPECT_EQ(call.browser->Count<media::RtpReceived>(), 0u);
    EXPECT_GE(call.cms.rtp_received, 95u);
}

TEST(BrowserMedia, CmsNeverAnsweringChecksFailsIce) {
    Call call;
    // The browser knows the CMS's candidate and credentials, but the CMS runs no checks
    // and answers none (its agent is never given the browser's credentials or started).
    call.net.filter = [&](const ice::test::Datagram& d) {
        return !(d.from.address == *IpAddress::Parse("192.168.245.61") &&
                 d.to == call.CmsRelay().address);
    };
    call.browser->StartIce(ice::Credentials{"cmsu", "cmspassword0123456789ab"}, {call.CmsRelay()});
    call.browser->Pump();
    call.net.RunFor(40s, [&] { return call.browser->First<media::IceFailed>() != nullptr; });
    ASSERT_EQ(call.browser->Kinds(),
              (Names{"TurnChallenged", "TurnAllocated", "TurnPermissionCreated", "IceFailed"}));
    EXPECT_FALSE(call.browser->First<media::IceFailed>()->reason.empty());
}

TEST(BrowserMedia, SameSeedSameDatagrams) {
    auto run = [] {
        Call call;
        call.Signal();
        call.net.RunFor(1s);
        call.browser->StartMedia();
        call.net.RunFor(1s);
        std::vector<Bytes> wire;
        for (const auto& d : call.net.log)
            wire.push_back(d.data);
        return wire;
    };
    const auto a = run();
    ASSERT_GT(a.size(), 100u);
    EXPECT_EQ(a, run());
}

} // namespace
} // namespace cmslab::browser::test
