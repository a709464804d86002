// The browser's media transport (BrowserMedia) against a scripted CMS on the in-memory
// network of the ICE tests, through a real turn::Server: the relay with its 401
// challenge, ICE (the browser controlling), DTLS with the browser passive and the CMS's
// certificate checked against the signalled fingerprint, SRTP audio both ways. Then what
// goes wrong: a CMS certificate other than the announced one, a CMS that sends no RTP,
// a CMS that never answers ICE.
#include "browser/browser_media.h"

#include "scripted_media_peer.h"

#include <gtest/gtest.h>

namespace cmslab::browser::test {
namespace {

using namespace std::chrono_literals;
using cmslab::test::ScriptedMediaPeer;
using ice::test::Ep;
using ice::test::Net;
using ice::test::TurnNode;
using T = MediaEvent::Type;

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

// The browser as a node of the in-memory network: one UDP port, everything via TURN.
class BrowserNode : public ice::test::Node {
  public:
    BrowserNode(Net& net, const Endpoint& host, MediaConfig config)
        : media(std::move(config), Rng(4)), m_net(net), m_host(host) {
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
        while (auto e = media.PollEvent())
            events.push_back(*e);
    }
    std::vector<T> Types() const {
        std::vector<T> out;
        for (const auto& e : events)
            if (e.type != T::RtpSent && e.type != T::RtpReceived)
                out.push_back(e.type);
        return out;
    }
    std::size_t Count(T type) const {
        std::size_t n = 0;
        for (const auto& e : events)
            n += e.type == type ? 1 : 0;
        return n;
    }
    const MediaEvent* First(T type) const {
        for (const auto& e : events)
            if (e.type == type)
                return &e;
        return nullptr;
    }

    BrowserMedia media;
    std::vector<MediaEvent> events;

  private:
    Net& m_net;
    Endpoint m_host;
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
        MediaConfig config;
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
        browser->media.Allocate(net.now);
        browser->Pump();
        net.RunFor(1s, [&] {
            return cms.Allocated() &&
                   browser->media.Turn().GetState() == turn::Client::State::Allocated;
        });
    }

    ice::Candidate BrowserRelay() const {
        return ice::MakeRelayedCandidate(browser->media.Turn().RelayedAddress(),
                                         browser->media.Turn().MappedAddress(),
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
        cms.agent.SetRemoteCredentials(browser->media.Ice().LocalCredentials());
        cms.agent.AddLocalCandidate(CmsRelay(), net.now);
        cms.agent.AddRemoteCandidate(BrowserRelay(), net.now);
        cms.agent.Start(net.now);
        cms.ExpectPeer(BrowserFingerprint());
        cms.Pump();
        browser->media.StartIce(cms.agent.LocalCredentials(), {CmsRelay()}, net.now);
        if (browser_starts_dtls)
            browser->media.StartDtls(CmsFingerprint(), net.now);
        browser->Pump();
    }
};

TEST(BrowserMedia, RelayIceDtlsPassiveAndSrtpBothWays) {
    Call call;
    ASSERT_EQ(call.browser->Types(), (std::vector<T>{T::TurnChallenged, T::TurnAllocated}));
    EXPECT_EQ(call.browser->events[0].text, "turnuser");
    EXPECT_EQ(call.browser->events[1].relayed.address, *IpAddress::Parse("192.168.245.61"));
    EXPECT_EQ(call.browser->events[1].mapped, Ep("172.16.84.124", 50000));

    call.Signal();
    // The browser (the server) is done on the CMS's Finished, the CMS on the browser's.
    call.net.RunFor(3s, [&] {
        return call.browser->First(T::DtlsConnected) != nullptr && call.cms.dtls->Established();
    });
    ASSERT_EQ(call.browser->Types(), (std::vector<T>{T::TurnChallenged, T::TurnAllocated,
                                                     T::IceConnected, T::DtlsConnected}));
    EXPECT_EQ(call.browser->First(T::IceConnected)->text, call.BrowserRelay().address.ToString() +
                                                              " <-> " +
                                                              call.CmsRelay().address.ToString());
    EXPECT_EQ(call.browser->First(T::DtlsConnected)->text, "DTLSv1.2");
    EXPECT_EQ(call.browser->First(T::DtlsConnected)->profile, "SRTP_AES128_CM_SHA1_80");
    // Passive: the browser is the DTLS server and saw the CMS's certificate.
    ASSERT_NE(call.browser->media.Dtls(), nullptr);
    EXPECT_EQ(call.browser->media.Dtls()->GetRole(), tls::Role::Server);
    EXPECT_EQ(*call.browser->media.Dtls()->PeerCertificate(), call.cms.identity.certificate);
    ASSERT_TRUE(call.cms.dtls->Established());
    // The DTLS secret went to the key log.
    ASSERT_EQ(call.key_log.size(), 1u);
    EXPECT_EQ(call.key_log[0].rfind("CLIENT_RANDOM ", 0), 0u);

    // Audio: 50 packets a second each way, all authenticated on the other side.
    call.browser->media.StartMedia(call.net.now);
    call.browser->Pump();
    call.net.RunFor(2s);
    EXPECT_GE(call.browser->Count(T::RtpSent), 100u);
    EXPECT_LE(call.browser->Count(T::RtpSent), 102u);
    EXPECT_GE(call.browser->Count(T::RtpReceived), 95u);
    EXPECT_EQ(call.browser->First(T::RtpSent)->size, 12u + 60u + 10u); // header, Opus, tag
    EXPECT_GE(call.cms.rtp_received, 95u);
    EXPECT_EQ(call.cms.srtp_refused, 0u);
    EXPECT_EQ(call.browser->media.Counters().srtp_refused, 0u);
    // After the checks the media rides a bound channel (ChannelData, not Send indications).
    EXPECT_NE(call.browser->media.Turn().ChannelFor(call.CmsRelay().address), 0);

    // Hang up: nothing more is sent, the allocation goes.
    call.browser->media.StopMedia();
    const std::size_t sent = call.browser->Count(T::RtpSent);
    call.browser->media.Close(call.net.now);
    call.browser->Pump();
    call.net.RunFor(1s);
    EXPECT_EQ(call.browser->Count(T::RtpSent), sent);
    EXPECT_NE(call.browser->media.Turn().GetState(), turn::Client::State::Allocated);
}

TEST(BrowserMedia, DtlsFromTheCmsBeforeStartDtlsIsKept) {
    Call call;
    call.Signal(/*browser_starts_dtls=*/false);
    // ICE completes; the CMS starts DTLS at once; the browser has not been told to yet.
    call.net.RunFor(2s);
    EXPECT_EQ(call.browser->Types(),
              (std::vector<T>{T::TurnChallenged, T::TurnAllocated, T::IceConnected}));
    EXPECT_GE(call.browser->media.Counters().dtls_before_start, 1u);
    call.browser->media.StartDtls(call.CmsFingerprint(), call.net.now);
    call.browser->Pump();
    call.net.RunFor(2s, [&] { return call.browser->First(T::DtlsConnected) != nullptr; });
    ASSERT_NE(call.browser->First(T::DtlsConnected), nullptr);
}

TEST(BrowserMedia, CmsCertificateNotMatchingItsFingerprintFailsDtls) {
    Call call;
    call.cms.agent.SetRemoteCredentials(call.browser->media.Ice().LocalCredentials());
    call.cms.agent.AddLocalCandidate(call.CmsRelay(), call.net.now);
    call.cms.agent.AddRemoteCandidate(call.BrowserRelay(), call.net.now);
    call.cms.agent.Start(call.net.now);
    call.cms.ExpectPeer(call.BrowserFingerprint());
    call.browser->media.StartIce(call.cms.agent.LocalCredentials(), {call.CmsRelay()},
                                 call.net.now);
    // The signalled fingerprint is of another certificate than the one the CMS serves.
    Rng other_rng(99);
    const pki::Identity other = cmslab::test::SelfSigned(other_rng, "someone-else");
    call.browser->media.StartDtls(other.certificate.ComputeFingerprint("sha-256"), call.net.now);
    call.browser->Pump();
    call.net.RunFor(5s);
    ASSERT_EQ(call.browser->Types(), (std::vector<T>{T::TurnChallenged, T::TurnAllocated,
                                                     T::IceConnected, T::DtlsFailed}));
    EXPECT_NE(call.browser->First(T::DtlsFailed)->text.find("certificate"), std::string::npos)
        << call.browser->First(T::DtlsFailed)->text;
    call.browser->media.StartMedia(call.net.now); // refused: no keys
    call.browser->Pump();
    call.net.RunFor(1s);
    EXPECT_EQ(call.browser->Count(T::RtpSent), 0u);
    EXPECT_EQ(call.cms.rtp_received, 0u);
}

TEST(BrowserMedia, CmsSendingNoRtpGivesNothingReceived) {
    Call call;
    call.cms.send_rtp = false;
    call.Signal();
    call.net.RunFor(2s, [&] { return call.browser->First(T::DtlsConnected) != nullptr; });
    ASSERT_NE(call.browser->First(T::DtlsConnected), nullptr);
    call.browser->media.StartMedia(call.net.now);
    call.browser->Pump();
    call.net.RunFor(2s);
    EXPECT_GE(call.browser->Count(T::RtpSent), 100u);
    EXPECT_EQ(call.browser->Count(T::RtpReceived), 0u);
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
    call.browser->media.StartIce(ice::Credentials{"cmsu", "cmspassword0123456789ab"},
                                 {call.CmsRelay()}, call.net.now);
    call.browser->Pump();
    call.net.RunFor(40s, [&] { return call.browser->First(T::IceFailed) != nullptr; });
    ASSERT_EQ(call.browser->Types(),
              (std::vector<T>{T::TurnChallenged, T::TurnAllocated, T::IceFailed}));
    EXPECT_FALSE(call.browser->First(T::IceFailed)->text.empty());
}

TEST(BrowserMedia, SameSeedSameDatagrams) {
    auto run = [] {
        Call call;
        call.Signal();
        call.net.RunFor(1s);
        call.browser->media.StartMedia(call.net.now);
        call.browser->Pump();
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
