// Against the real thing: our client with `openssl s_server`, `openssl s_client` with our
// server, over loopback sockets. Every process is bounded in time and killed at the end.
#include <gtest/gtest.h>

#include <memory>

#include <openssl/x509_vfy.h>
#include <unistd.h>

#include "socket_pump.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
using namespace cmslab::testkit;
using namespace cmslab::testutil;
using namespace std::chrono_literals;
using Kind = Event::Kind;

namespace {

class InteropTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(ProgramExists("openssl"))
            << "the openssl command line is not installed (tools/setup installs it)";
        ASSERT_FALSE(dir.Path().empty());
        ca_pem = dir.Write("ca.pem", pki.ca->Cert().ToPem());
    }

    // Starts `openssl s_server` on an ephemeral port with `id`; returns the port or 0.
    std::uint16_t StartServer(BackgroundProcess& server, const pki::Identity& id,
                              std::vector<std::string> extra = {}) {
        const std::string cert = dir.Write("server.pem", id.certificate.ToPem());
        const std::string key = dir.Write("server.key", id.key.ToPem());
        std::vector<std::string> argv = {"openssl",  "s_server", "-accept", "127.0.0.1:0",
                                         "-cert",    cert,       "-key",    key,
                                         "-naccept", "1",        "-alpn",   "http/1.1"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        if (!server.Start(argv) || !server.WaitFor("ACCEPT 127.0.0.1:", 10s))
            return 0;
        server.WaitFor("\n", 2s);
        const auto at = server.Out().find("ACCEPT 127.0.0.1:");
        return static_cast<std::uint16_t>(std::stoi(server.Out().substr(at + 17)));
    }

    ContextConfig Browser(ProtocolVersion max) const {
        ContextConfig c;
        c.role = Role::Client;
        c.trust_anchors = {pki.ca->Cert()};
        c.alpn = {"http/1.1"};
        c.max_version = max;
        return c;
    }

    TestPki pki{4242};
    TempDir dir{"cmslab-tls"};
    std::string ca_pem;
};

} // namespace

class OurClientTest : public InteropTest, public ::testing::WithParamInterface<ProtocolVersion> {
  protected:
    // Starts `openssl s_server -www` presenting `id` and our client towards it, its
    // ClientHello written: the connected socket, or -1.
    int StartBoth(BackgroundProcess& server, const pki::Identity& id) {
        const std::uint16_t port = StartServer(server, id, {"-www"});
        EXPECT_NE(port, 0) << server.Out();
        if (port == 0)
            return -1;
        const int fd = ConnectLoopback(port);
        if (fd < 0)
            return -1;
        EndpointOptions o;
        o.server_name = "cmsweb.example.com";
        o.verify_time = pki.now;
        m_client = std::make_unique<TlsEndpoint>(MakeContext(Browser(GetParam()), 1), o, Rng(1));
        m_client->Start();
        return fd;
    }

    std::unique_ptr<TlsEndpoint> m_client;
};

INSTANTIATE_TEST_SUITE_P(Versions, OurClientTest,
                         ::testing::Values(ProtocolVersion::Tls12, ProtocolVersion::Tls13),
                         [](const auto& info) {
                             return info.param == ProtocolVersion::Tls12 ? "Tls12" : "Tls13";
                         });

TEST_P(OurClientTest, FetchesAPageFromOpensslServer) {
    BackgroundProcess server;
    const int fd = StartBoth(server, pki.cms);
    ASSERT_GE(fd, 0);
    TlsEndpoint& client = *m_client;
    ASSERT_TRUE(client.Write(std::string_view("GET / HTTP/1.0\r\n\r\n")).Ok());
    auto r = PumpSocket(
        client, fd, In(10s),
        [](const SocketPumpResult& s) {
            return ByteView(s.received.data).ToString().find("</HTML>") != std::string::npos;
        },
        &server);
    close(fd);
    ASSERT_TRUE(FindEvent(r.received.events, Kind::HandshakeDone) != nullptr)
        << Describe(r.received.events) << server.Out();
    EXPECT_TRUE(client.VerifyErrors().empty());
    EXPECT_EQ(client.Info().version, GetParam() == ProtocolVersion::Tls12 ? "TLSv1.2" : "TLSv1.3");
    EXPECT_EQ(client.Info().alpn, "http/1.1");
    const std::string page = ByteView(r.received.data).ToString();
    EXPECT_EQ(page.rfind("HTTP/1.0 200 ok\r\n", 0), 0u) << page;
    EXPECT_NE(page.find("</HTML>"), std::string::npos) << page;
    EXPECT_FALSE(r.timed_out);
    server.Kill();
}

TEST_P(OurClientTest, RefusesTheWrongCertificateAndOpensslServerHearsTheAlert) {
    BackgroundProcess server;
    const int fd = StartBoth(server, pki.expressway);
    ASSERT_GE(fd, 0);
    TlsEndpoint& client = *m_client;
    auto r = PumpSocket(
        client, fd, In(10s),
        [&](const SocketPumpResult&) {
            return client.GetState() == EndpointBase::State::Failed && !client.HasOutput();
        },
        &server);
    close(fd);
    ASSERT_FALSE(client.VerifyErrors().empty()) << Describe(r.received.events);
    EXPECT_EQ(client.VerifyErrors()[0].code, X509_V_ERR_HOSTNAME_MISMATCH);
    EXPECT_EQ(client.PeerCertificate()->SanText(), "DNS:vcse.example.com, DNS:vcsc.example.local");
    // s_server reports the alert it received (and exits, having served its one client).
    server.Wait(5s);
    EXPECT_NE(server.Out().find("alert bad certificate"), std::string::npos) << server.Out();
    EXPECT_NE(server.Out().find("SSL alert number 42"), std::string::npos) << server.Out();
}

namespace {

struct ClientRun {
    std::string output;
    int exit_code = -1;
    SocketPumpResult pumped;
    bool established = false;
};

} // namespace

class OurServerTest : public InteropTest {
  protected:
    // `openssl s_client` against our server endpoint, checking the name `verify_host`.
    ClientRun Run(const std::string& verify_host, std::vector<std::string> extra = {}) {
        ClientRun run;
        std::uint16_t port = 0;
        const int listen_fd = ListenLoopback(port);
        EXPECT_GE(listen_fd, 0);
        if (listen_fd < 0)
            return run;
        BackgroundProcess client;
        std::vector<std::string> argv = {"openssl",
                                         "s_client",
                                         "-connect",
                                         "127.0.0.1:" + std::to_string(port),
                                         "-servername",
                                         "cmsweb.example.com",
                                         "-CAfile",
                                         ca_pem,
                                         "-verify_hostname",
                                         verify_host,
                                         "-attime",
                                         std::to_string(pki.now),
                                         "-alpn",
                                         "http/1.1"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        EXPECT_TRUE(client.Start(argv));
        client.CloseInput(); // s_client completes the handshake, prints, then leaves

        ContextConfig s;
        s.role = Role::Server;
        s.identities = {pki.expressway, pki.cms};
        s.alpn = {"http/1.1"};
        TlsEndpoint server(MakeContext(s, 2), EndpointOptions{}, Rng(2));
        const int fd = AcceptBefore(listen_fd, In(10s));
        close(listen_fd);
        EXPECT_GE(fd, 0) << client.Out();
        if (fd >= 0) {
            run.pumped = PumpSocket(
                server, fd, In(10s),
                [](const SocketPumpResult&) {
                    return false; // until s_client hangs up
                },
                &client);
            close(fd);
        }
        run.established = server.Info().version.size() > 0;
        run.exit_code = client.Wait(10s);
        run.output = client.Out();
        return run;
    }
};

TEST_F(OurServerTest, OpensslClientVerifiesOurCertificateWithTheLabCa) {
    ClientRun run = Run("cmsweb.example.com");
    EXPECT_TRUE(run.established) << Describe(run.pumped.received.events) << run.output;
    EXPECT_NE(run.output.find("Verify return code: 0 (ok)"), std::string::npos) << run.output;
    // SNI picked the web bridge certificate out of the two.
    EXPECT_NE(run.output.find("subject=C = US, O = Example, CN = cmsweb.example.com"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("ALPN protocol: http/1.1"), std::string::npos) << run.output;
    EXPECT_FALSE(run.pumped.timed_out);
}

TEST_F(OurServerTest, OpensslClientReportsTheHostnameMismatch) {
    ClientRun run = Run("meet.example.com");
    EXPECT_NE(run.output.find("Verify return code: 62 (hostname mismatch)"), std::string::npos)
        << run.output;
}

TEST_F(OurServerTest, OpensslClientOverTls12) {
    ClientRun run = Run("cmsweb.example.com", {"-tls1_2"});
    EXPECT_NE(run.output.find("Verify return code: 0 (ok)"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("Protocol  : TLSv1.2"), std::string::npos) << run.output;
}
