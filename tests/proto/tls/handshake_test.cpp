// Client and server endpoints exchanging buffers: versions, data, verification
// failures as a browser meets them, SNI, ALPN, client certificates, close.
#include "tls/tls_endpoint.h"

#include <gtest/gtest.h>

#include <openssl/x509_vfy.h>

#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
using namespace cmslab::testutil;
using Kind = Event::Kind;

namespace {

class HandshakeTest : public ::testing::Test {
  protected:
    TestPki pki{2017};

    ContextConfig Browser() const {
        ContextConfig c;
        c.role = Role::Client;
        c.trust_anchors = {pki.ca->Cert()};
        c.alpn = {"http/1.1"};
        return c;
    }
    ContextConfig WebServer(const pki::Identity& id) const {
        ContextConfig c;
        c.role = Role::Server;
        c.identities = {id};
        c.alpn = {"http/1.1"};
        return c;
    }
    EndpointOptions To(const std::string& name) const {
        EndpointOptions o;
        o.server_name = name;
        o.verify_time = pki.now;
        return o;
    }
    EndpointOptions Accepting() const {
        EndpointOptions o;
        o.verify_time = pki.now;
        return o;
    }
};

} // namespace

TEST_F(HandshakeTest, Tls13HandshakeThenDataBothWays) {
    TlsEndpoint client(MakeContext(Browser(), 1), To("cmsweb.example.com"), Rng(10));
    TlsEndpoint server(MakeContext(WebServer(pki.cms), 2), Accepting(), Rng(20));
    ASSERT_TRUE(client.Write(std::string_view("GET / HTTP/1.1\r\nHost: cmsweb\r\n\r\n")).Ok());
    auto r = Pump(client, server);
    ASSERT_TRUE(client.Established()) << Describe(r.client.events);
    ASSERT_TRUE(server.Established()) << Describe(r.server.events);
    const Event* done = FindEvent(r.client.events, Kind::HandshakeDone);
    ASSERT_NE(done, nullptr);
    EXPECT_EQ(done->handshake.version, "TLSv1.3");
    EXPECT_EQ(done->handshake.version_code, 0x0304);
    EXPECT_EQ(done->handshake.alpn, "http/1.1");
    EXPECT_EQ(done->handshake.server_name, "cmsweb.example.com");
    EXPECT_EQ(done->handshake.verify_result, X509_V_OK);
    EXPECT_FALSE(done->handshake.cipher.empty());
    EXPECT_EQ(server.Info().server_name, "cmsweb.example.com");
    EXPECT_TRUE(client.VerifyErrors().empty());
    // The request written before the handshake arrived once it was done.
    EXPECT_EQ(ByteView(r.server.data).ToString(), "GET / HTTP/1.1\r\nHost: cmsweb\r\n\r\n");

    ASSERT_TRUE(server.Write(std::string_view("HTTP/1.1 200 OK\r\n\r\n")).Ok());
    auto back = client.Feed(server.TakeOutput());
    EXPECT_EQ(ByteView(back.data).ToString(), "HTTP/1.1 200 OK\r\n\r\n");
    // The client saw the certificate it was given, SANs and all.
    ASSERT_EQ(client.PeerChain().size(), 1u);
    EXPECT_EQ(client.PeerChain()[0], pki.cms.certificate);
    EXPECT_EQ(client.PeerCertificate()->SanText(),
              "DNS:cmsweb.example.com, DNS:cmsweb.cms.example.local");
}

TEST_F(HandshakeTest, Tls12HandshakeThenDataBothWays) {
    auto browser = Browser();
    browser.max_version = ProtocolVersion::Tls12;
    TlsEndpoint client(MakeContext(browser, 1), To("cmsweb.example.com"), Rng(10));
    TlsEndpoint server(MakeContext(WebServer(pki.cms), 2), Accepting(), Rng(20));
    auto r = Pump(client, server);
    ASSERT_TRUE(client.Established()) << Describe(r.client.events);
    ASSERT_TRUE(server.Established()) << Describe(r.server.events);
    EXPECT_EQ(client.Info().version, "TLSv1.2");
    EXPECT_EQ(server.Info().version, "TLSv1.2");
    EXPECT_EQ(client.Info().cipher, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    EXPECT_EQ(client.Info().alpn, "http/1.1");

    ASSERT_TRUE(client.Write(std::string_view("ping")).Ok());
    EXPECT_EQ(ByteView(server.Feed(client.TakeOutput()).data).ToString(), "ping");
    ASSERT_TRUE(server.Write(std::string_view("pong")).Ok());
    EXPECT_EQ(ByteView(client.Feed(server.TakeOutput()).data).ToString(), "pong");
}

TEST_F(HandshakeTest, BytesFedOneAtATimeStillMakeAHandshake) {
    TlsEndpoint client(MakeContext(Browser(), 1), To("cmsweb.example.com"), Rng(10));
    TlsEndpoint server(MakeContext(WebServer(pki.cms), 2), Accepting(), Rng(20));
    client.Start();
    for (int round = 0; round < 10 && !(client.Established() && server.Established()); ++round) {
        for (std::uint8_t b : client.TakeOutput())
            server.Feed(ByteView(&b, 1));
        for (std::uint8_t b : server.TakeOutput())
            client.Feed(ByteView(&b, 1));
    }
    EXPECT_TRUE(client.Established());
    EXPECT_TRUE(server.Established());
}

namespace {

// The browser's verdict on a server certificate, for one protocol version.
struct Verdict {
    std::vector<VerifyError> errors;
    std::vector<Event> client_events;
    std::vector<Event> server_events;
    Bytes client_output; // everything the client sent
    std::string key_log;
    EndpointBase::State client_state;
    EndpointBase::State server_state;
};

} // namespace

class VerifyFailureTest : public HandshakeTest,
                          public ::testing::WithParamInterface<ProtocolVersion> {
  protected:
    Verdict Connect(const pki::Identity& served, const std::string& name,
                    VerifyMode mode = VerifyMode::Require, pki::UnixTime at = 0) {
        Verdict v;
        auto browser = Browser();
        browser.max_version = GetParam();
        browser.verify = mode;
        browser.cipher_suites = "TLS_AES_128_GCM_SHA256";
        browser.key_log = [&v](const std::string& line) { v.key_log += line + "\n"; };
        auto options = To(name);
        if (at != 0)
            options.verify_time = at;
        TlsEndpoint client(MakeContext(browser, 1), options, Rng(10));
        TlsEndpoint server(MakeContext(WebServer(served), 2), Accepting(), Rng(20));
        auto r = Pump(client, server);
        v.errors = client.VerifyErrors();
        v.client_events = r.client.events;
        v.server_events = r.server.events;
        v.client_output = r.ClientToServer();
        v.client_state = client.GetState();
        v.server_state = server.GetState();
        return v;
    }
};

INSTANTIATE_TEST_SUITE_P(Versions, VerifyFailureTest,
                         ::testing::Values(ProtocolVersion::Tls12, ProtocolVersion::Tls13),
                         [](const auto& info) {
                             return info.param == ProtocolVersion::Tls12 ? "Tls12" : "Tls13";
                         });

TEST_P(VerifyFailureTest, SanWithoutTheNameIsAHostnameMismatchAndTheClientSendsBadCertificate) {
    // The Expressway-E certificate lacks the web bridge name the guest typed.
    Verdict v = Connect(pki.expressway, "cmsweb.example.com");
    ASSERT_EQ(v.errors.size(), 1u) << Describe(v.client_events);
    EXPECT_EQ(v.errors[0].code, X509_V_ERR_HOSTNAME_MISMATCH);
    EXPECT_EQ(v.errors[0].text, "hostname mismatch");
    EXPECT_EQ(v.errors[0].depth, 0);
    EXPECT_EQ(v.errors[0].subject, "C = US, O = Example, CN = vcse.example.com");
    const Event* failed = FindEvent(v.client_events, Kind::VerifyFailed);
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(failed->verify.code, X509_V_ERR_HOSTNAME_MISMATCH);
    const Event* sent = FindEvent(v.client_events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr) << Describe(v.client_events);
    EXPECT_EQ(sent->alert, (Alert{true, alert::kBadCertificate}));
    EXPECT_NE(FindEvent(v.client_events, Kind::Failed), nullptr);
    EXPECT_EQ(v.client_state, EndpointBase::State::Failed);
    // The server hears about it.
    const Event* received = FindEvent(v.server_events, Kind::AlertReceived);
    ASSERT_NE(received, nullptr) << Describe(v.server_events);
    EXPECT_EQ(received->alert, (Alert{true, alert::kBadCertificate}));
    EXPECT_EQ(v.server_state, EndpointBase::State::Failed);

    // And the alert is on the wire, as the last record the client sent. In the clear in
    // TLS 1.3 as well: the client switches to its handshake traffic key only for its second
    // flight, which it never sends.
    const auto records = ParseRecords(v.client_output);
    ASSERT_GE(records.size(), 2u);
    const Record& last = records.back();
    EXPECT_EQ(last.type, 21); // alert
    EXPECT_EQ(last.version, 0x0303);
    EXPECT_EQ(last.body, (Bytes{2, 42})); // fatal, bad_certificate
}

TEST_P(VerifyFailureTest, SelfSignedServerCertificateIsDepthZeroSelfSigned) {
    Verdict v = Connect(pki.cms_self_signed, "cmsweb.example.com");
    ASSERT_FALSE(v.errors.empty());
    EXPECT_EQ(v.errors[0].code, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    EXPECT_EQ(v.errors[0].text, "self-signed certificate");
    const Event* sent = FindEvent(v.client_events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(sent->alert, (Alert{true, alert::kUnknownCa}));
}

TEST_P(VerifyFailureTest, CertificateOfAnUnknownCaCannotFindItsIssuer) {
    Verdict v = Connect(pki.cms_foreign, "cmsweb.example.com");
    ASSERT_FALSE(v.errors.empty());
    EXPECT_EQ(v.errors[0].code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    EXPECT_EQ(v.errors[0].text, "unable to get local issuer certificate");
    const Event* sent = FindEvent(v.client_events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(sent->alert, (Alert{true, alert::kUnknownCa}));
}

TEST_P(VerifyFailureTest, ExpiredCertificateAtTheVerificationTime) {
    Verdict v = Connect(pki.cms, "cmsweb.example.com", VerifyMode::Require, pki.not_after + 1);
    ASSERT_FALSE(v.errors.empty());
    EXPECT_EQ(v.errors[0].code, X509_V_ERR_CERT_HAS_EXPIRED);
    EXPECT_EQ(v.errors[0].text, "certificate has expired");
    const Event* sent = FindEvent(v.client_events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(sent->alert, (Alert{true, alert::kCertificateExpired}));
    // OpenSSL counts notAfter itself as expired; one second before it all is well.
    Verdict at_end = Connect(pki.cms, "cmsweb.example.com", VerifyMode::Require, pki.not_after);
    ASSERT_FALSE(at_end.errors.empty());
    EXPECT_EQ(at_end.errors[0].code, X509_V_ERR_CERT_HAS_EXPIRED);
    Verdict ok = Connect(pki.cms, "cmsweb.example.com", VerifyMode::Require, pki.not_after - 1);
    EXPECT_TRUE(ok.errors.empty()) << Describe(ok.client_events);
    EXPECT_NE(FindEvent(ok.client_events, Kind::HandshakeDone), nullptr);
}

TEST_P(VerifyFailureTest, EveryProblemOfTheChainIsListedTheFirstOneDecides) {
    // Self-signed, wrong name and expired at once.
    Verdict v =
        Connect(pki.cms_self_signed, "meet.example.com", VerifyMode::Require, pki.not_after + 10);
    std::vector<long> codes;
    for (const auto& e : v.errors)
        codes.push_back(e.code);
    EXPECT_EQ(codes,
              (std::vector<long>{X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
                                 X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_CERT_HAS_EXPIRED}));
    const Event* sent = FindEvent(v.client_events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(sent->alert, (Alert{true, alert::kUnknownCa}));
}

TEST_P(VerifyFailureTest, ReportModeListsTheProblemAndGoesOn) {
    Verdict v = Connect(pki.expressway, "cmsweb.example.com", VerifyMode::Report);
    ASSERT_EQ(v.errors.size(), 1u);
    EXPECT_EQ(v.errors[0].code, X509_V_ERR_HOSTNAME_MISMATCH);
    EXPECT_NE(FindEvent(v.client_events, Kind::VerifyFailed), nullptr);
    EXPECT_EQ(FindEvent(v.client_events, Kind::AlertSent), nullptr);
    const Event* done = FindEvent(v.client_events, Kind::HandshakeDone);
    ASSERT_NE(done, nullptr) << Describe(v.client_events);
    EXPECT_EQ(done->handshake.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
    EXPECT_EQ(v.client_state, EndpointBase::State::Established);
}
