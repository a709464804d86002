// Server-side choices: SNI picks the certificate, ALPN, client certificates (the
// traversal zone), plus close_notify and addresses as names.
#include "tls/tls_endpoint.h"

#include <gtest/gtest.h>

#include <openssl/x509_vfy.h>

#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
using namespace cmslab::testutil;
using Kind = Event::Kind;

namespace {

class ServerFeaturesTest : public ::testing::Test {
  protected:
    TestPki pki{7};

    ContextConfig Client() const {
        ContextConfig c;
        c.role = Role::Client;
        c.trust_anchors = {pki.ca->Cert()};
        return c;
    }
    ContextConfig Server(std::vector<pki::Identity> ids) const {
        ContextConfig c;
        c.role = Role::Server;
        c.identities = std::move(ids);
        return c;
    }
    EndpointOptions Options(const std::string& name = "") const {
        EndpointOptions o;
        o.server_name = name;
        o.verify_time = pki.now;
        return o;
    }
};

} // namespace

TEST_F(ServerFeaturesTest, SniChoosesTheCertificateWhoseNamesMatch) {
    auto server_ctx = MakeContext(Server({pki.expressway, pki.cms}), 2);
    auto client_ctx = MakeContext(Client(), 1);
    {
        TlsEndpoint client(client_ctx, Options("cmsweb.example.com"), Rng(1));
        TlsEndpoint server(server_ctx, Options(), Rng(2));
        auto r = Pump(client, server);
        ASSERT_TRUE(client.Established()) << Describe(r.client.events);
        EXPECT_EQ(client.PeerCertificate()->CommonName(), "cmsweb.example.com");
        EXPECT_EQ(server.Info().server_name, "cmsweb.example.com");
        EXPECT_EQ(server.Info().identity_index, 1u);
    }
    {
        TlsEndpoint client(client_ctx, Options("vcsc.example.local"), Rng(1));
        TlsEndpoint server(server_ctx, Options(), Rng(2));
        auto r = Pump(client, server);
        ASSERT_TRUE(client.Established()) << Describe(r.client.events);
        EXPECT_EQ(client.PeerCertificate()->CommonName(), "vcse.example.com");
        EXPECT_EQ(server.Info().identity_index, 0u);
    }
    {
        // A name nobody serves gets the default certificate, and the browser's check fails.
        TlsEndpoint client(client_ctx, Options("meet.example.com"), Rng(1));
        TlsEndpoint server(server_ctx, Options(), Rng(2));
        auto r = Pump(client, server);
        EXPECT_EQ(server.Info().identity_index, 0u);
        ASSERT_FALSE(client.VerifyErrors().empty());
        EXPECT_EQ(client.VerifyErrors()[0].code, X509_V_ERR_HOSTNAME_MISMATCH);
        EXPECT_EQ(client.PeerCertificate()->SanText(),
                  "DNS:vcse.example.com, DNS:vcsc.example.local");
    }
}

TEST_F(ServerFeaturesTest, ServerWithOneCertificateServesItWhateverTheSni) {
    // The Expressway-E in the reference case: one certificate for every name.
    auto server_ctx = MakeContext(Server({pki.expressway}), 2);
    auto client_ctx = MakeContext(Client(), 1);
    TlsEndpoint client(client_ctx, Options("cmsweb.example.com"), Rng(1));
    TlsEndpoint server(server_ctx, Options(), Rng(2));
    auto r = Pump(client, server);
    EXPECT_EQ(server.Info().server_name, "cmsweb.example.com");
    EXPECT_EQ(client.PeerCertificate()->CommonName(), "vcse.example.com");
    EXPECT_EQ(client.GetState(), EndpointBase::State::Failed);
}

TEST_F(ServerFeaturesTest, AlpnUsesTheServersPreference) {
    auto client_cfg = Client();
    client_cfg.alpn = {"h2", "http/1.1"};
    auto server_cfg = Server({pki.cms});
    server_cfg.alpn = {"http/1.1", "h2"};
    TlsEndpoint client(MakeContext(client_cfg, 1), Options("cmsweb.example.com"), Rng(1));
    TlsEndpoint server(MakeContext(server_cfg, 2), Options(), Rng(2));
    auto r = Pump(client, server);
    ASSERT_TRUE(client.Established()) << Describe(r.client.events);
    EXPECT_EQ(client.Info().alpn, "http/1.1");
    EXPECT_EQ(server.Info().alpn, "http/1.1");
}

TEST_F(ServerFeaturesTest, AlpnWithoutCommonProtocolGoesOnOrFailsAsConfigured) {
    auto client_cfg = Client();
    client_cfg.alpn = {"h2"};
    auto server_cfg = Server({pki.cms});
    server_cfg.alpn = {"http/1.1"};
    {
        TlsEndpoint client(MakeContext(client_cfg, 1), Options("cmsweb.example.com"), Rng(1));
        TlsEndpoint server(MakeContext(server_cfg, 2), Options(), Rng(2));
        auto r = Pump(client, server);
        ASSERT_TRUE(client.Established()) << Describe(r.client.events);
        EXPECT_EQ(client.Info().alpn, "");
    }
    server_cfg.alpn_mismatch_fatal = true;
    TlsEndpoint client(MakeContext(client_cfg, 1), Options("cmsweb.example.com"), Rng(1));
    TlsEndpoint server(MakeContext(server_cfg, 2), Options(), Rng(2));
    auto r = Pump(client, server);
    const Event* alert = FindEvent(r.client.events, Kind::AlertReceived);
    ASSERT_NE(alert, nullptr) << Describe(r.client.events);
    EXPECT_EQ(alert->alert.description, alert::kNoApplicationProtocol);
    EXPECT_EQ(client.GetState(), EndpointBase::State::Failed);
}

namespace {

// The traversal zone: the Expressway-C is the client and shows its certificate; the
// Expressway-E asks for it and checks its name ("TLS verify subject name").
struct TraversalResult {
    std::vector<Event> client_events, server_events;
    EndpointBase::State client_state, server_state;
    std::vector<VerifyError> server_errors;
    std::vector<pki::Certificate> server_peer_chain;
    Bytes server_output;
    std::string server_key_log;
};

} // namespace

class TraversalZoneTest : public ServerFeaturesTest,
                          public ::testing::WithParamInterface<ProtocolVersion> {
  protected:
    TraversalResult Run(bool client_shows_cert, const std::string& verify_subject_name) {
        TraversalResult t;
        auto client_cfg = Client();
        client_cfg.max_version = GetParam();
        client_cfg.cipher_suites = "TLS_AES_128_GCM_SHA256";
        if (client_shows_cert)
            client_cfg.identities = {pki.traversal_client};
        auto server_cfg = Server({pki.expressway});
        server_cfg.verify = VerifyMode::Require;
        server_cfg.require_peer_certificate = true;
        server_cfg.trust_anchors = {pki.ca->Cert()};
        server_cfg.key_log = [&t](const std::string& line) { t.server_key_log += line + "\n"; };
        auto server_options = Options();
        server_options.verify_name = verify_subject_name;
        TlsEndpoint client(MakeContext(client_cfg, 1), Options("vcse.example.com"), Rng(1));
        TlsEndpoint server(MakeContext(server_cfg, 2), server_options, Rng(2));
        auto r = Pump(client, server);
        t.client_events = r.client.events;
        t.server_events = r.server.events;
        t.client_state = client.GetState();
        t.server_state = server.GetState();
        t.server_errors = server.VerifyErrors();
        t.server_peer_chain = server.PeerChain();
        t.server_output = r.ServerToClient();
        return t;
    }
};

INSTANTIATE_TEST_SUITE_P(Versions, TraversalZoneTest,
                         ::testing::Values(ProtocolVersion::Tls12, ProtocolVersion::Tls13),
                         [](const auto& info) {
                             return info.param == ProtocolVersion::Tls12 ? "Tls12" : "Tls13";
                         });

TEST_P(TraversalZoneTest, ClientCertificateWithTheExpectedNameIsAccepted) {
    auto t = Run(true, "vcsc.example.local");
    EXPECT_EQ(t.server_state, EndpointBase::State::Established) << Describe(t.server_events);
    EXPECT_EQ(t.client_state, EndpointBase::State::Established) << Describe(t.client_events);
    EXPECT_TRUE(t.server_errors.empty());
    ASSERT_EQ(t.server_peer_chain.size(), 1u);
    EXPECT_EQ(t.server_peer_chain[0], pki.traversal_client.certificate);
}

TEST_P(TraversalZoneTest, ClientCertificateWithAnotherNameIsRefusedByTheServer) {
    auto t = Run(true, "vcsc2.example.local");
    ASSERT_FALSE(t.server_errors.empty()) << Describe(t.server_events);
    EXPECT_EQ(t.server_errors[0].code, X509_V_ERR_HOSTNAME_MISMATCH);
    EXPECT_EQ(t.server_state, EndpointBase::State::Failed);
    const Event* sent = FindEvent(t.server_events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(sent->alert, (Alert{true, alert::kBadCertificate}));
    const Event* received = FindEvent(t.client_events, Kind::AlertReceived);
    ASSERT_NE(received, nullptr) << Describe(t.client_events);
    EXPECT_EQ(received->alert, (Alert{true, alert::kBadCertificate}));

    const auto records = ParseRecords(t.server_output);
    ASSERT_FALSE(records.empty());
    if (GetParam() == ProtocolVersion::Tls12) {
        EXPECT_EQ(records.back().type, 21);
        EXPECT_EQ(records.back().body, (Bytes{2, 42}));
    } else {
        // The TLS 1.3 server has switched to its application key after its Finished: the
        // alert is the first record under SERVER_TRAFFIC_SECRET_0, readable with the key log.
        EXPECT_EQ(records.back().type, 23);
        const Bytes secret = SecretFromKeyLog(t.server_key_log, "SERVER_TRAFFIC_SECRET_0");
        ASSERT_EQ(secret.size(), 32u) << t.server_key_log;
        auto inner = DecryptTls13Record(records.back(), secret, 0);
        ASSERT_TRUE(inner.has_value());
        EXPECT_EQ(*inner, (Bytes{2, 42, 21})); // fatal bad_certificate, content type alert
        Bytes wrong = secret;
        wrong[5] ^= 0x80;
        EXPECT_FALSE(DecryptTls13Record(records.back(), wrong, 0).has_value());
    }
}

TEST_P(TraversalZoneTest, MissingClientCertificateFailsTheHandshake) {
    auto t = Run(false, "vcsc.example.local");
    EXPECT_EQ(t.server_state, EndpointBase::State::Failed) << Describe(t.server_events);
    const Event* sent = FindEvent(t.server_events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(sent->alert.description, GetParam() == ProtocolVersion::Tls13
                                           ? alert::kCertificateRequired
                                           : alert::kHandshakeFailure);
}

TEST_F(ServerFeaturesTest, AnAddressIsNotSentAsSniAndIsMatchedAgainstIpSans) {
    pki::CertificateProfile p;
    p.subject.common_name = "192.0.2.10";
    p.ip_addresses = {IpAddress::V4(192, 0, 2, 10)};
    p.not_before = pki.now - 1000;
    p.not_after = pki.now + 1000;
    auto by_ip = *pki.ca->Issue(p, pki.rng);
    auto server_ctx = MakeContext(Server({by_ip}), 2);
    {
        TlsEndpoint client(MakeContext(Client(), 1), Options("192.0.2.10"), Rng(1));
        TlsEndpoint server(server_ctx, Options(), Rng(2));
        auto r = Pump(client, server);
        ASSERT_TRUE(client.Established()) << Describe(r.client.events);
        EXPECT_EQ(server.Info().server_name, "");
    }
    TlsEndpoint client(MakeContext(Client(), 1), Options("192.0.2.11"), Rng(1));
    TlsEndpoint server(server_ctx, Options(), Rng(2));
    Pump(client, server);
    ASSERT_FALSE(client.VerifyErrors().empty());
    EXPECT_EQ(client.VerifyErrors()[0].code, X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST_F(ServerFeaturesTest, CloseNotifyIsAnsweredAndReported) {
    TlsEndpoint client(MakeContext(Client(), 1), Options("cmsweb.example.com"), Rng(1));
    TlsEndpoint server(MakeContext(Server({pki.cms}), 2), Options(), Rng(2));
    Pump(client, server);
    ASSERT_TRUE(client.Established());
    auto closing = client.Close();
    ASSERT_NE(FindEvent(closing.events, Kind::AlertSent), nullptr);
    EXPECT_EQ(FindEvent(closing.events, Kind::AlertSent)->alert,
              (Alert{false, alert::kCloseNotify}));
    EXPECT_EQ(client.GetState(), EndpointBase::State::Closing);
    EXPECT_FALSE(client.Write(std::string_view("late")).Ok());

    auto at_server = server.Feed(client.TakeOutput());
    EXPECT_NE(FindEvent(at_server.events, Kind::Closed), nullptr) << Describe(at_server.events);
    EXPECT_EQ(server.GetState(), EndpointBase::State::Closed);
    auto at_client = client.Feed(server.TakeOutput());
    EXPECT_NE(FindEvent(at_client.events, Kind::Closed), nullptr) << Describe(at_client.events);
    EXPECT_EQ(client.GetState(), EndpointBase::State::Closed);
}

TEST_F(ServerFeaturesTest, VerifyNoneAcceptsAnythingAndStillKeepsThePeerCertificate) {
    auto client_cfg = Client();
    client_cfg.verify = VerifyMode::None;
    client_cfg.trust_anchors.clear();
    TlsEndpoint client(MakeContext(client_cfg, 1), Options("whatever.example"), Rng(1));
    TlsEndpoint server(MakeContext(Server({pki.cms_self_signed}), 2), Options(), Rng(2));
    Pump(client, server);
    EXPECT_TRUE(client.Established());
    EXPECT_TRUE(client.VerifyErrors().empty());
    ASSERT_TRUE(client.PeerCertificate().has_value());
    EXPECT_EQ(*client.PeerCertificate(), pki.cms_self_signed.certificate);
}

TEST_F(ServerFeaturesTest, BadConfigurationsAreRefused) {
    Rng rng(1);
    ContextConfig server;
    server.role = Role::Server;
    EXPECT_FALSE(Context::Create(server, rng).Ok()); // no certificate
    auto client = Client();
    client.alpn = {""};
    EXPECT_FALSE(Context::Create(client, rng).Ok());
    client = Client();
    client.cipher_suites = "TLS_NOT_A_SUITE";
    EXPECT_FALSE(Context::Create(client, rng).Ok());
    client = Client();
    client.max_version = ProtocolVersion::Dtls12;
    EXPECT_FALSE(Context::Create(client, rng).Ok());
    client = Client();
    client.srtp_profiles = {"SRTP_AES128_CM_SHA1_80"};
    EXPECT_FALSE(Context::Create(client, rng).Ok());
    client = Client();
    client.identities = {pki::Identity{}};
    EXPECT_FALSE(Context::Create(client, rng).Ok());
}

TEST_F(ServerFeaturesTest, ServerSendsItsIntermediateAndTheClientBuildsTheChainToTheRoot) {
    pki::CaProfile issuing;
    issuing.subject = {"US", "", "", "Example Lab", "", "Example Lab Issuing CA"};
    issuing.not_before = pki.now - 100000;
    issuing.not_after = pki.now + 100000;
    auto intermediate = pki.ca->IssueIntermediate(issuing, pki.rng);
    ASSERT_TRUE(intermediate.Ok()) << intermediate.Message();
    pki::CertificateProfile p;
    p.subject.common_name = "cmsweb.example.com";
    p.dns_names = {"cmsweb.example.com"};
    p.not_before = pki.now - 1000;
    p.not_after = pki.now + 1000;
    auto leaf = intermediate->Issue(p, pki.rng);
    ASSERT_TRUE(leaf.Ok());
    TlsEndpoint client(MakeContext(Client(), 1), Options("cmsweb.example.com"), Rng(1));
    TlsEndpoint server(MakeContext(Server({*leaf}), 2), Options(), Rng(2));
    auto r = Pump(client, server);
    ASSERT_TRUE(client.Established()) << Describe(r.client.events);
    ASSERT_EQ(client.PeerChain().size(), 2u);
    EXPECT_EQ(client.PeerChain()[0], leaf->certificate);
    EXPECT_EQ(client.PeerChain()[1], intermediate->Cert());

    // Without the intermediate the browser cannot reach the root.
    pki::Identity bare = *leaf;
    bare.chain.clear();
    TlsEndpoint client2(MakeContext(Client(), 1), Options("cmsweb.example.com"), Rng(1));
    TlsEndpoint server2(MakeContext(Server({bare}), 2), Options(), Rng(2));
    Pump(client2, server2);
    ASSERT_FALSE(client2.VerifyErrors().empty());
    EXPECT_EQ(client2.VerifyErrors()[0].code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}
