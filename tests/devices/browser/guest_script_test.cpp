#include "script_driver.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::browser;
using namespace cmslab::browser::test;
using outcome::Screen;
using outcome::Stage;
using outcome::StageStatus;

namespace {

StageStatus Status(const GuestScript& s, Stage stage) {
    return s.Stages().Get(stage).status;
}
const std::string& Detail(const GuestScript& s, Stage stage) {
    return s.Stages().Get(stage).detail;
}

void ExpectNotReachedFrom(const GuestScript& s, Stage first) {
    bool from = false;
    for (Stage stage : outcome::kAllStages) {
        from = from || stage == first;
        if (from) {
            EXPECT_EQ(Status(s, stage), StageStatus::NotReached) << outcome::StageKey(stage);
        }
    }
}

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST(GuestScript, HealthyJoinReachesMediaAndLeaves) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    auto first = Drain(s);
    ASSERT_EQ(first.names, std::vector<std::string>{"ResolveHost"});
    EXPECT_EQ(Find<ResolveHost>(first)->host, "cmsweb.octavio.com");
    EXPECT_EQ(s.View().screen, Screen::Loading);

    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    auto connect = Drain(s);
    ASSERT_NE(Find<ConnectTcp>(connect), nullptr);
    EXPECT_EQ(Find<ConnectTcp>(connect)->server.ToString(), "10.88.246.156:443");

    s.OnTcpConnected(2ms);
    auto tls = Drain(s);
    ASSERT_NE(Find<StartTls>(tls), nullptr);
    EXPECT_EQ(Find<StartTls>(tls)->server_name, "cmsweb.octavio.com");

    s.OnTlsEstablished(3ms, GoodTls());
    auto get = Drain(s);
    ASSERT_NE(Find<SendHttpRequest>(get), nullptr);
    EXPECT_EQ(Find<SendHttpRequest>(get)->method, "GET");
    EXPECT_EQ(Find<SendHttpRequest>(get)->target, "/");

    s.OnHttpResponse(4ms, 200, "OK", Page(true));
    auto lookup = Drain(s);
    ASSERT_NE(Find<SendHttpRequest>(lookup), nullptr);
    EXPECT_EQ(Find<SendHttpRequest>(lookup)->target, "/api/guest/call");
    EXPECT_TRUE(Contains(Find<SendHttpRequest>(lookup)->body, "callId=100101"));
    // The product's pages in order (reference section 6): Meeting, then Enter Call ID.
    EXPECT_EQ(s.View().screen, Screen::EnterCallId);
    EXPECT_EQ(s.View().title, "Enter Call ID");
    EXPECT_EQ(s.View().fields, (std::vector<std::string>{"Call ID", "Passcode (If required)"}));
    EXPECT_EQ(s.View().buttons, (std::vector<std::string>{"Continue \xC2\xBB"}));

    s.OnHttpResponse(5ms, 200, "OK", LookupOk());
    auto login = Drain(s);
    ASSERT_NE(Find<SendHttpRequest>(login), nullptr);
    EXPECT_EQ(Find<SendHttpRequest>(login)->target, "/api/guest/login");
    EXPECT_TRUE(Contains(Find<SendHttpRequest>(login)->body, "displayName=Guest"));
    // Then the space's own page, asking the guest's name.
    EXPECT_EQ(s.View().screen, Screen::EnterName);
    EXPECT_EQ(s.View().title, "Proxy webRTC");
    EXPECT_EQ(s.View().fields, (std::vector<std::string>{"Your name"}));
    EXPECT_EQ(s.View().buttons, (std::vector<std::string>{"Join call"}));
    EXPECT_EQ(s.View().links, (std::vector<std::string>{"Or sign in and join"}));

    s.OnHttpResponse(6ms, 200, "OK", LoginOk());
    auto ws = Drain(s);
    ASSERT_NE(Find<OpenWebSocket>(ws), nullptr);
    EXPECT_EQ(Find<OpenWebSocket>(ws)->target, "/api/guest/signaling?session=tok123");
    EXPECT_EQ(Find<OpenWebSocket>(ws)->protocol, "cmslab-webrtc-signaling");
    EXPECT_EQ(s.View().screen, Screen::Connecting);
    EXPECT_EQ(s.View().text, "Connecting");
    EXPECT_EQ(s.NextTimeout(), Instant(6ms + 30s));

    s.OnWebSocketOpen(7ms);
    auto join = Drain(s);
    ASSERT_NE(Find<SendSignaling>(join), nullptr);
    auto* join_message = std::get_if<webapp::JoinMessage>(&Find<SendSignaling>(join)->message);
    ASSERT_NE(join_message, nullptr);
    EXPECT_EQ(join_message->session, "tok123");

    s.OnWebSocketText(8ms, JoinedText());
    auto alloc = Drain(s);
    ASSERT_NE(Find<AllocateRelay>(alloc), nullptr);
    EXPECT_EQ(Find<AllocateRelay>(alloc)->host, "10.88.246.156");
    EXPECT_EQ(Find<AllocateRelay>(alloc)->port, 3478);
    EXPECT_EQ(Find<AllocateRelay>(alloc)->transport, "udp");
    EXPECT_EQ(Find<AllocateRelay>(alloc)->username, "turnuser");
    EXPECT_EQ(Find<AllocateRelay>(alloc)->password, "cisco");

    s.OnWebSocketText(9ms, CmsIceText());
    s.OnWebSocketText(10ms, CmsCandidateText());
    s.OnWebSocketText(11ms, CmsDtlsText());
    EXPECT_TRUE(Drain(s).names.empty()) << "no ICE before the relay";
    s.OnTurnChallenged(12ms, "turnuser");
    s.OnTurnAllocated(13ms, Endpoint{Ip("10.88.246.156"), 24000},
                      Endpoint{Ip("172.16.84.124"), 50000});
    auto ice = Drain(s);
    EXPECT_EQ(ice.names, (std::vector<std::string>{"SendSignaling", "SendSignaling",
                                                   "SendSignaling", "SendSignaling", "StartIce"}));
    auto* candidate =
        std::get_if<webapp::CandidateMessage>(&std::get<SendSignaling>(ice.actions[1]).message);
    ASSERT_NE(candidate, nullptr);
    EXPECT_EQ(candidate->type, ice::CandidateType::Relayed);
    EXPECT_EQ(candidate->address, "10.88.246.156");
    EXPECT_EQ(candidate->port, 24000);
    auto* dtls = std::get_if<webapp::DtlsMessage>(&std::get<SendSignaling>(ice.actions[3]).message);
    ASSERT_NE(dtls, nullptr);
    EXPECT_EQ(dtls->setup, webapp::DtlsSetup::Passive);
    EXPECT_EQ(dtls->fingerprint, Fingerprint(0xAA));
    ASSERT_EQ(Find<StartIce>(ice)->candidates.size(), 1u);
    EXPECT_EQ(Find<StartIce>(ice)->remote.ufrag, "cmsu");

    s.OnIceConnected(14ms, "relay <-> relay");
    auto start_dtls = Drain(s);
    ASSERT_NE(Find<StartDtls>(start_dtls), nullptr);
    EXPECT_EQ(Find<StartDtls>(start_dtls)->remote_fingerprint, Fingerprint(0x11));

    s.OnDtlsConnected(15ms, "DTLSv1.2", "SRTP_AES128_CM_SHA1_80");
    auto media = Drain(s);
    ASSERT_NE(Find<StartMedia>(media), nullptr);
    EXPECT_EQ(Find<StartMedia>(media)->duration, Duration(10s));
    EXPECT_EQ(s.View().screen, Screen::Connecting) << "still connecting until media arrives";

    Instant t = 15ms;
    for (int i = 0; i < 100; ++i) {
        s.OnMediaSent(t += 20ms, 182, "srtp");
        s.OnMediaReceived(t, 190);
    }
    EXPECT_EQ(s.View().screen, Screen::InCall);
    ASSERT_EQ(s.NextTimeout(), Instant(15ms + 10s)) << "give-up timer off once media flows";
    s.HandleTimeout(15ms + 10s);
    auto end = Drain(s);
    EXPECT_EQ(end.names, (std::vector<std::string>{"StopMedia", "SendSignaling", "CloseAll"}));
    EXPECT_TRUE(s.Done());

    for (Stage stage : outcome::kAllStages)
        EXPECT_EQ(Status(s, stage), StageStatus::Ok)
            << outcome::StageKey(stage) << ": " << Detail(s, stage);
    EXPECT_EQ(s.Stages().Get(Stage::Dns).TimeMs(), 1.0);
    EXPECT_EQ(s.Stages().Get(Stage::Media).TimeMs(), 10015.0);
    EXPECT_TRUE(Contains(Detail(s, Stage::Dns), "10.88.246.156"));
    EXPECT_TRUE(Contains(Detail(s, Stage::Turn), "realm \"turnuser\""));
    EXPECT_TRUE(Contains(Detail(s, Stage::Turn), "10.88.246.156:24000"));
    EXPECT_TRUE(Contains(Detail(s, Stage::Dtls), "SRTP_AES128_CM_SHA1_80"));
    EXPECT_EQ(s.Media().sent.packets, 100u);
    EXPECT_EQ(s.Media().received.bytes, 19000u);
    EXPECT_EQ(s.Media().protection, "srtp");
    EXPECT_EQ(s.View().screen, Screen::InCall);
    EXPECT_EQ(s.View().title, "Proxy webRTC");
    EXPECT_EQ(s.View().security, "Secure");
    EXPECT_FALSE(s.NextTimeout());
}

TEST(GuestScript, DnsFailureShowsSiteUnreachable) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsFailure(2ms, "NXDOMAIN");
    EXPECT_EQ(Status(s, Stage::Dns), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Dns), "cmsweb.octavio.com: NXDOMAIN");
    ExpectNotReachedFrom(s, Stage::Tcp);
    EXPECT_EQ(s.View().screen, Screen::SiteUnreachable);
    EXPECT_EQ(s.View().error_code, "DNS_PROBE_FINISHED_NXDOMAIN");
    EXPECT_TRUE(Contains(s.View().text, "cmsweb.octavio.com"));
    auto d = Drain(s);
    EXPECT_EQ(d.names.back(), "CloseAll");
    EXPECT_TRUE(s.Done());
}

TEST(GuestScript, AddressLiteralNeedsNoLookup) {
    auto config = ReferenceConfig();
    config.host = "10.88.246.156";
    config.url = "https://10.88.246.156";
    GuestScript s(config);
    s.Start(0ms);
    auto d = Drain(s);
    ASSERT_EQ(d.names, std::vector<std::string>{"ConnectTcp"});
    EXPECT_EQ(Status(s, Stage::Dns), StageStatus::Ok);
}

TEST(GuestScript, TcpRefused) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpFailed(2ms, TcpFailure::Refused, "RST");
    EXPECT_EQ(Status(s, Stage::Tcp), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Tcp), "10.88.246.156:443 refused (RST)");
    ExpectNotReachedFrom(s, Stage::Tls);
    EXPECT_EQ(s.View().error_code, "ERR_CONNECTION_REFUSED");
    EXPECT_EQ(s.View().text, "cmsweb.octavio.com refused to connect.");
}

TEST(GuestScript, TcpTimeoutOnEveryAddress) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.0.0.1"), Ip("10.0.0.2")});
    Drain(s);
    s.OnTcpFailed(20s, TcpFailure::TimedOut, "");
    auto next = Drain(s);
    ASSERT_NE(Find<ConnectTcp>(next), nullptr);
    EXPECT_EQ(Find<ConnectTcp>(next)->server.ToString(), "10.0.0.2:443");
    EXPECT_EQ(Status(s, Stage::Tcp), StageStatus::NotReached);
    s.OnTcpFailed(40s, TcpFailure::TimedOut, "");
    EXPECT_EQ(Status(s, Stage::Tcp), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Tcp), "10.0.0.1:443 timed out; 10.0.0.2:443 timed out");
    EXPECT_EQ(s.View().error_code, "ERR_CONNECTION_TIMED_OUT");
}

TEST(GuestScript, SecondAddressConnects) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.0.0.1"), Ip("10.0.0.2")});
    s.OnTcpFailed(2ms, TcpFailure::Refused, "");
    s.OnTcpConnected(3ms);
    EXPECT_EQ(Status(s, Stage::Tcp), StageStatus::Ok);
    EXPECT_TRUE(Contains(Detail(s, Stage::Tcp), "connected to 10.0.0.2:443"));
    EXPECT_TRUE(Contains(Detail(s, Stage::Tcp), "10.0.0.1:443 refused"));
}

TEST(GuestScript, HostnameMismatchIsCertificateWarning) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpConnected(2ms);
    CertificateRejection r;
    r.errors.push_back(
        tls::VerifyError{X509_V_ERR_HOSTNAME_MISMATCH, "hostname mismatch", 0, "CN = vcse"});
    r.served_names = {"vcse.octavio.com", "vcsc.octavio.local"};
    r.alert_sent = "bad_certificate";
    r.version = "TLSv1.3";
    s.OnCertificateRejected(3ms, r);

    EXPECT_EQ(Status(s, Stage::Tls), StageStatus::Ok);
    EXPECT_TRUE(Contains(Detail(s, Stage::Tls), "alert bad_certificate"));
    EXPECT_EQ(Status(s, Stage::Certificate), StageStatus::Failed);
    const std::string& detail = Detail(s, Stage::Certificate);
    EXPECT_TRUE(Contains(detail, "hostname mismatch")) << detail;
    EXPECT_TRUE(Contains(detail, "vcse.octavio.com, vcsc.octavio.local")) << detail;
    ExpectNotReachedFrom(s, Stage::Http);

    EXPECT_EQ(s.View().screen, Screen::CertificateWarning);
    EXPECT_EQ(s.View().title, "Your connection is not private");
    EXPECT_EQ(s.View().security, "Not secure");
    EXPECT_EQ(s.View().error_code, "NET::ERR_CERT_COMMON_NAME_INVALID");
    EXPECT_TRUE(Contains(s.View().text, "its security certificate is from vcse.octavio.com"));
    EXPECT_EQ(Drain(s).names.back(), "CloseAll");
}

TEST(GuestScript, UntrustedIssuerIsCertificateWarning) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpConnected(2ms);
    CertificateRejection r;
    r.errors.push_back(tls::VerifyError{X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                                        "unable to get local issuer certificate", 0, "CN = x"});
    r.served_names = {"cmsweb.octavio.com"};
    r.alert_sent = "unknown_ca";
    s.OnCertificateRejected(3ms, r);
    EXPECT_EQ(Status(s, Stage::Certificate), StageStatus::Failed);
    EXPECT_TRUE(Contains(Detail(s, Stage::Certificate), "unable to get local issuer"));
    EXPECT_EQ(s.View().error_code, "NET::ERR_CERT_AUTHORITY_INVALID");
    EXPECT_TRUE(Contains(s.View().text, "not trusted"));
}

// The guest clicks through the warning: the browser connects again accepting that one
// certificate; the certificate stage keeps its failure; the page is "Not secure".
TEST(GuestScript, ProceedingPastTheWarningLoadsThePageNotSecure) {
    ScriptConfig config = ReferenceConfig();
    config.proceed_past_certificate_warning = true;
    GuestScript s(config);
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpConnected(2ms);
    Drain(s);
    CertificateRejection r;
    r.errors.push_back(tls::VerifyError{X509_V_ERR_HOSTNAME_MISMATCH, "hostname mismatch", 0, ""});
    r.served_names = {"vcse.octavio.com"};
    r.alert_sent = "bad_certificate";
    r.fingerprint = Fingerprint(0x5A);
    s.OnCertificateRejected(3ms, r);
    EXPECT_EQ(s.View().screen, Screen::CertificateWarning);
    auto again = Drain(s);
    ASSERT_NE(Find<ConnectTcp>(again), nullptr) << "connects again";
    EXPECT_EQ(Find<ConnectTcp>(again)->server.ToString(), "10.88.246.156:443");
    EXPECT_FALSE(s.Done());
    s.OnTcpConnected(4ms);
    auto tls = Drain(s);
    ASSERT_NE(Find<StartTls>(tls), nullptr);
    EXPECT_EQ(Find<StartTls>(tls)->accepted_certificate, Fingerprint(0x5A));
    s.OnTlsEstablished(5ms, GoodTls());
    s.OnHttpResponse(6ms, 200, "OK", Page(true));
    EXPECT_EQ(Status(s, Stage::Certificate), StageStatus::Failed) << "the first verdict stands";
    EXPECT_TRUE(Contains(Detail(s, Stage::Certificate), "hostname mismatch"));
    EXPECT_EQ(Status(s, Stage::Http), StageStatus::Ok);
    EXPECT_EQ(s.View().screen, Screen::EnterCallId);
    EXPECT_EQ(s.View().security, "Not secure");

    // A second warning (another certificate on the second connection) ends it there.
    GuestScript twice(config);
    twice.Start(0ms);
    twice.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    twice.OnTcpConnected(2ms);
    twice.OnCertificateRejected(3ms, r);
    twice.OnTcpConnected(4ms);
    twice.OnCertificateRejected(5ms, r);
    EXPECT_TRUE(twice.Done());
    EXPECT_EQ(twice.View().screen, Screen::CertificateWarning);
}

TEST(GuestScript, TlsProtocolFailure) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpConnected(2ms);
    s.OnTlsFailed(3ms, "alert handshake_failure received");
    EXPECT_EQ(Status(s, Stage::Tls), StageStatus::Failed);
    EXPECT_EQ(Status(s, Stage::Certificate), StageStatus::NotReached);
    EXPECT_EQ(s.View().error_code, "ERR_SSL_PROTOCOL_ERROR");
}

TEST(GuestScript, BadRequestPage) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpConnected(2ms);
    s.OnTlsEstablished(3ms, GoodTls());
    s.OnHttpResponse(4ms, 400, "Bad Request",
                     "<html><head><title>400 Bad Request</title></head><body><h1>Bad "
                     "Request</h1></body></html>");
    EXPECT_EQ(Status(s, Stage::Http), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Http), "GET / -> 400 Bad Request");
    ExpectNotReachedFrom(s, Stage::WebBridge);
    EXPECT_EQ(s.View().screen, Screen::BadRequest);
    EXPECT_EQ(s.View().title, "Bad Request");
    EXPECT_EQ(s.View().security, "Secure");
}

TEST(GuestScript, EmptyBodyErrorUsesReason) {
    GuestScript s(ReferenceConfig());
    RunJoin(s, Until::Page); // not used further: a fresh script below
    GuestScript t(ReferenceConfig());
    t.Start(0ms);
    t.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    t.OnTcpConnected(2ms);
    t.OnTlsEstablished(3ms, GoodTls());
    t.OnHttpResponse(4ms, 502, "Bad Gateway", "");
    EXPECT_EQ(t.View().screen, Screen::HttpError);
    EXPECT_EQ(t.View().title, "Bad Gateway");
}

TEST(GuestScript, PageWithoutJoinCall) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpConnected(2ms);
    s.OnTlsEstablished(3ms, GoodTls());
    s.OnHttpResponse(4ms, 200, "OK", Page(false));
    EXPECT_EQ(Status(s, Stage::Http), StageStatus::Ok);
    EXPECT_EQ(Status(s, Stage::WebBridge), StageStatus::Failed);
    EXPECT_TRUE(Contains(Detail(s, Stage::WebBridge), "without Join call"));
    ExpectNotReachedFrom(s, Stage::GuestLogin);
    EXPECT_EQ(s.View().screen, Screen::NoJoinButton);
    EXPECT_EQ(s.View().title, "Meeting");
    EXPECT_EQ(s.View().buttons, std::vector<std::string>{"Sign in"});
}

TEST(GuestScript, WrongPasscodeIsRefused) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Page);
    s.OnHttpResponse(
        t + 1ms, 403, "Forbidden",
        webapp::EncodeJoinAnswer(webapp::JoinRefused(webapp::JoinError::CallNotRecognized)));
    EXPECT_EQ(Status(s, Stage::WebBridge), StageStatus::Ok);
    EXPECT_EQ(Status(s, Stage::GuestLogin), StageStatus::Failed);
    EXPECT_TRUE(Contains(Detail(s, Stage::GuestLogin), "callNotRecognized"));
    EXPECT_TRUE(Contains(Detail(s, Stage::GuestLogin), "403"));
    ExpectNotReachedFrom(s, Stage::Turn);
    EXPECT_EQ(s.View().screen, Screen::JoinRefused);
    EXPECT_EQ(s.View().text, "Call ID or passcode not recognized");
}

TEST(GuestScript, TurnIntegrityFailureThenGiveUpAfter30s) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Joined);
    s.OnWebSocketText(t += 1ms, CmsIceText());
    s.OnTurnChallenged(t += 1ms, "turnuser");
    s.OnTurnFailed(t += 1ms, 431, "Integrity Check Failure");
    EXPECT_EQ(Status(s, Stage::Turn), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Turn), "Allocate at 10.88.246.156:3478/udp as \"turnuser\" "
                                      "(realm \"turnuser\"): 431 Integrity Check Failure");
    EXPECT_EQ(s.View().screen, Screen::Connecting);
    EXPECT_FALSE(s.Done());

    // The login answer came at 6 ms: the web app gives up 30 s later.
    ASSERT_EQ(s.NextTimeout(), Instant(6ms + 30s));
    Drain(s);
    s.HandleTimeout(6ms + 30s);
    EXPECT_TRUE(s.Done());
    EXPECT_EQ(s.View().screen, Screen::ConnectingTimeout);
    EXPECT_EQ(s.View().title, "Meeting");
    EXPECT_EQ(s.View().buttons, (std::vector<std::string>{"Join call", "Sign in"}));
    EXPECT_EQ(Status(s, Stage::GuestLogin), StageStatus::Ok);
    ExpectNotReachedFrom(s, Stage::Ice);
    auto d = Drain(s);
    auto* leave = Find<SendSignaling>(d);
    ASSERT_NE(leave, nullptr);
    EXPECT_NE(std::get_if<webapp::LeaveMessage>(&leave->message), nullptr);
    EXPECT_EQ(d.names.back(), "CloseAll");
}

TEST(GuestScript, IceFailureThenGiveUp) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Relay);
    s.OnIceFailed(t + 5s, "all 1 pairs failed");
    EXPECT_EQ(Status(s, Stage::Turn), StageStatus::Ok);
    EXPECT_EQ(Status(s, Stage::Ice), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Ice), "all 1 pairs failed");
    s.HandleTimeout(*s.NextTimeout());
    EXPECT_EQ(s.View().screen, Screen::ConnectingTimeout);
    ExpectNotReachedFrom(s, Stage::Dtls);
}

TEST(GuestScript, IceStillCheckingWhenGivingUpFailsIce) {
    GuestScript s(ReferenceConfig());
    RunJoin(s, Until::Relay);
    s.HandleTimeout(*s.NextTimeout());
    EXPECT_EQ(Status(s, Stage::Ice), StageStatus::Failed);
    EXPECT_TRUE(Contains(Detail(s, Stage::Ice), "no media 30 s after joining"));
    EXPECT_EQ(s.Stages().Get(Stage::Ice).TimeMs(), 30006.0);
}

TEST(GuestScript, DtlsDoneButNoMediaReceivedGivesUp) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Dtls);
    for (int i = 0; i < 10; ++i)
        s.OnMediaSent(t += 20ms, 182, "srtp");
    // The media duration passes without anything received: keep waiting.
    ASSERT_EQ(s.NextTimeout(), Instant(t - 200ms + 10s));
    s.HandleTimeout(*s.NextTimeout());
    EXPECT_FALSE(s.Done());
    EXPECT_EQ(s.NextTimeout(), Instant(6ms + 30s));
    s.HandleTimeout(6ms + 30s);
    EXPECT_EQ(Status(s, Stage::Dtls), StageStatus::Ok);
    EXPECT_EQ(Status(s, Stage::Media), StageStatus::Failed);
    EXPECT_TRUE(Contains(Detail(s, Stage::Media), "10 packets (1820 bytes) sent, 0 packets"));
    EXPECT_EQ(s.View().screen, Screen::ConnectingTimeout);
}

TEST(GuestScript, FinishFailsTheStageInProgress) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsAnswer(1ms, {Ip("10.88.246.156")});
    s.OnTcpConnected(2ms);
    s.OnTlsEstablished(3ms, GoodTls());
    s.Finish(60s);
    EXPECT_EQ(Status(s, Stage::Http), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Http), "no answer before the run ended");
    EXPECT_EQ(s.Stages().Get(Stage::Http).TimeMs(), 60000.0);
    ExpectNotReachedFrom(s, Stage::WebBridge);
    EXPECT_EQ(s.View().screen, Screen::Loading);
}

TEST(GuestScript, FinishDuringCallJudgesMediaSoFar) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::End);
    s.Finish(t);
    EXPECT_EQ(Status(s, Stage::Media), StageStatus::Ok);
    EXPECT_TRUE(Contains(Detail(s, Stage::Media), "run ended before the media duration"));
    EXPECT_EQ(s.Result().media.sent.packets, 500u);
}

TEST(GuestScript, ByeBeforeMediaBackToJoinPage) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Relay);
    s.OnWebSocketText(t + 1ms, webapp::EncodeSignaling(webapp::ByeMessage{"call ended"}));
    EXPECT_TRUE(s.Done());
    EXPECT_EQ(s.View().screen, Screen::ConnectingTimeout);
    EXPECT_EQ(Status(s, Stage::Ice), StageStatus::Failed);
    EXPECT_TRUE(Contains(Detail(s, Stage::Ice), "call ended"));
}

TEST(GuestScript, LateCandidatesGoToIce) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Relay);
    Drain(s);
    s.OnWebSocketText(t + 1ms, CmsCandidateText());
    auto d = Drain(s);
    ASSERT_EQ(d.names, std::vector<std::string>{"AddRemoteCandidate"});
}

TEST(GuestScript, EventsOutOfTurnAreIgnored) {
    GuestScript s(ReferenceConfig());
    s.OnTcpConnected(1ms);
    s.OnHttpResponse(1ms, 200, "OK", Page(true));
    s.OnTurnAllocated(1ms, {}, {});
    s.OnDtlsConnected(1ms, "DTLSv1.2", "");
    s.OnMediaReceived(1ms, 100);
    for (Stage stage : outcome::kAllStages)
        EXPECT_EQ(Status(s, stage), StageStatus::NotReached);
    EXPECT_TRUE(Drain(s).names.empty());
    EXPECT_EQ(s.Media().received.packets, 0u);
    // Counted, in the phase where they made no sense.
    EXPECT_EQ(s.GetMediaPhase(), GuestScript::MediaPhase::Waiting);
    EXPECT_EQ(s.OutOfPhaseEvents(), 3u);
}

TEST(GuestScript, MediaPhaseMovesOnlyAlongTheJoin) {
    using P = GuestScript::MediaPhase;
    using S = GuestScript::MediaStep;
    EXPECT_EQ(GuestScript::NextMediaPhase(P::Waiting, S::Allocate), P::Allocating);
    EXPECT_EQ(GuestScript::NextMediaPhase(P::Allocating, S::RelayAllocated), P::RelayReady);
    EXPECT_EQ(GuestScript::NextMediaPhase(P::IceChecking, S::IceFailed), P::Failed);
    EXPECT_EQ(GuestScript::NextMediaPhase(P::Sending, S::MediaReceived), P::InCall);
    EXPECT_EQ(GuestScript::NextMediaPhase(P::IceChecking, S::MediaEnded), P::Ended);
    // A TURN failure means nothing once ICE runs; nothing moves a finished phase.
    EXPECT_FALSE(GuestScript::NextMediaPhase(P::IceChecking, S::TurnFailed));
    EXPECT_FALSE(GuestScript::NextMediaPhase(P::Waiting, S::DtlsConnected));
    EXPECT_FALSE(GuestScript::NextMediaPhase(P::Failed, S::MediaEnded));
    EXPECT_FALSE(GuestScript::NextMediaPhase(P::Ended, S::Allocate));
    EXPECT_STREQ(GuestScript::MediaPhaseName(P::InCall), "in_call");

    GuestScript s(ReferenceConfig());
    RunJoin(s, Until::Relay);
    EXPECT_EQ(s.GetMediaPhase(), P::IceChecking);
    s.OnTurnFailed(20ms, 437, "Allocation Mismatch"); // a late answer: no stage changes
    EXPECT_EQ(Status(s, Stage::Turn), StageStatus::Ok);
    EXPECT_EQ(s.OutOfPhaseEvents(), 1u);
}

// The relay (or the permission to the meeting) went away mid-call: the media stops,
// the media stage fails with the reason and what flowed, and the web app leaves.
TEST(GuestScript, MediaLostEndsTheCall) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Dtls);
    for (int i = 0; i < 10; ++i) {
        s.OnMediaSent(t += 20ms, 182, "srtp");
        s.OnMediaReceived(t, 190);
    }
    ASSERT_EQ(s.GetMediaPhase(), GuestScript::MediaPhase::InCall);
    Drain(s);
    s.OnMediaLost(t + 1s, "TURN refresh failed: 437 Allocation Mismatch; the relay is gone");
    EXPECT_EQ(Status(s, Stage::Media), StageStatus::Failed);
    EXPECT_TRUE(Contains(Detail(s, Stage::Media), "media lost: TURN refresh failed: 437"));
    EXPECT_TRUE(Contains(Detail(s, Stage::Media), "10 packets (1820 bytes) sent"));
    EXPECT_EQ(s.GetMediaPhase(), GuestScript::MediaPhase::Ended);
    const auto end = Drain(s);
    EXPECT_EQ(end.names, (std::vector<std::string>{"StopMedia", "SendSignaling", "CloseAll"}));
    EXPECT_EQ(s.View().screen, Screen::ConnectingTimeout) << "back at the join page";
    EXPECT_TRUE(s.Done());
    s.OnMediaLost(t + 2s, "again");
    EXPECT_EQ(s.OutOfPhaseEvents(), 1u);
}

TEST(GuestScript, LogsEachVerdictAndScreen) {
    GuestScript s(ReferenceConfig());
    s.Start(0ms);
    s.OnDnsFailure(1ms, "SERVFAIL");
    std::vector<std::string> lines;
    while (auto line = s.PollLog())
        lines.push_back(*line);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "screen: loading");
    EXPECT_EQ(lines[1], "dns failed: cmsweb.octavio.com: SERVFAIL");
    EXPECT_TRUE(Contains(lines[2], "screen: site_unreachable"));
}

// Issue 14: the browser tries ?transport=udp, and when it gets no answer there, the
// ?transport=tcp URL of the same server, as browsers fall back when UDP is blocked.
TEST(GuestScript, NoAnswerOverUdpMovesToTheTcpUrlAfterTheFallbackTime) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Joined);
    auto udp = Drain(s);
    ASSERT_NE(Find<AllocateRelay>(udp), nullptr);
    EXPECT_EQ(Find<AllocateRelay>(udp)->transport, "udp");
    ASSERT_EQ(s.NextTimeout(), Instant(t + 5s)) << "the fallback comes before the give-up";

    s.HandleTimeout(t + 5s);
    auto tcp = Drain(s);
    ASSERT_NE(Find<AllocateRelay>(tcp), nullptr);
    EXPECT_EQ(Find<AllocateRelay>(tcp)->transport, "tcp");
    EXPECT_EQ(Find<AllocateRelay>(tcp)->host, "10.88.246.156");
    EXPECT_EQ(Find<AllocateRelay>(tcp)->port, 3478);
    EXPECT_EQ(Find<AllocateRelay>(tcp)->username, "turnuser");
    EXPECT_EQ(Status(s, Stage::Turn), StageStatus::NotReached) << "still gathering";
    // The last URL has no fallback: only the give-up remains (the login came at 6 ms).
    EXPECT_EQ(s.NextTimeout(), Instant(6ms + 30s));

    s.OnTurnChallenged(t + 5s + 1ms, "turnuser");
    s.OnTurnAllocated(t + 5s + 2ms, Endpoint{Ip("10.88.246.156"), 24010},
                      Endpoint{Ip("172.16.84.124"), 50001});
    EXPECT_EQ(Status(s, Stage::Turn), StageStatus::Ok);
    EXPECT_TRUE(Contains(Detail(s, Stage::Turn), "at 10.88.246.156:3478/tcp"))
        << Detail(s, Stage::Turn);
    EXPECT_TRUE(Contains(Detail(s, Stage::Turn),
                         "given up before: 10.88.246.156:3478/udp: no answer after 5 s"))
        << Detail(s, Stage::Turn);
}

TEST(GuestScript, AConnectionThatFailsMovesOnAtOnceAnAnswerDoesNot) {
    GuestScript s(ReferenceConfig());
    Instant t = RunJoin(s, Until::Joined);
    Drain(s);
    // UDP silent: the transaction's own timeout ends it before the fallback time.
    s.OnTurnFailed(t += 1ms, 0, "");
    auto tcp = Drain(s);
    ASSERT_NE(Find<AllocateRelay>(tcp), nullptr);
    EXPECT_EQ(Find<AllocateRelay>(tcp)->transport, "tcp");
    // TCP refused: nothing is left to try, the stage fails with both URLs in the detail.
    s.OnTurnFailed(t += 1ms, 0, "TCP: refused");
    EXPECT_EQ(Status(s, Stage::Turn), StageStatus::Failed);
    EXPECT_EQ(Detail(s, Stage::Turn),
              "Allocate at 10.88.246.156:3478/tcp as \"turnuser\": no answer (TCP: refused); given "
              "up before: 10.88.246.156:3478/udp: no answer");

    // A server that answers with an error is not tried again over TCP.
    GuestScript answered(ReferenceConfig());
    t = RunJoin(answered, Until::Joined);
    Drain(answered);
    answered.OnTurnChallenged(t += 1ms, "turnuser");
    answered.OnTurnFailed(t += 1ms, 431, "Integrity Check Failure");
    EXPECT_EQ(Find<AllocateRelay>(Drain(answered)), nullptr);
    EXPECT_EQ(Status(answered, Stage::Turn), StageStatus::Failed);
}
