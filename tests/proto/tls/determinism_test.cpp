// Same seed, same certificates and the same handshake bytes in both directions; another
// seed, other bytes.
#include "tls/tls_endpoint.h"

#include <gtest/gtest.h>

#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
using namespace cmslab::testutil;

namespace {

struct LabRun {
    Bytes ca, server_cert, server_key;
    std::vector<Crossing> crossings;
    std::string key_log;
    Bytes request_seen, response_seen;
};

void Exchange(TlsEndpoint& from, TlsEndpoint& to, LabRun& run, bool from_client, Bytes* seen,
              bool byte_at_a_time) {
    Bytes b = from.TakeOutput();
    if (b.empty())
        return;
    run.crossings.push_back({from_client, b});
    if (byte_at_a_time) {
        for (std::uint8_t x : b) {
            auto r = to.Feed(ByteView(&x, 1));
            if (seen != nullptr)
                seen->insert(seen->end(), r.data.begin(), r.data.end());
        }
    } else {
        auto r = to.Feed(b);
        if (seen != nullptr)
            seen->insert(seen->end(), r.data.begin(), r.data.end());
    }
}

// A whole guest visit: handshake, a request, a response, close; everything from `seed`.
LabRun RunLab(std::uint64_t seed, ProtocolVersion version, bool byte_at_a_time = false) {
    LabRun run;
    TestPki pki(seed);
    Rng root(seed);
    run.ca = pki.ca->Cert().ToDer();
    run.server_cert = pki.cms.certificate.ToDer();
    run.server_key = pki.cms.key.ToDer();

    ContextConfig c;
    c.role = Role::Client;
    c.max_version = version;
    c.trust_anchors = {pki.ca->Cert()};
    c.alpn = {"http/1.1"};
    c.key_log = [&run](const std::string& line) { run.key_log += line + "\n"; };
    ContextConfig s;
    s.role = Role::Server;
    s.identities = {pki.cms};
    s.alpn = {"http/1.1"};
    s.session_tickets = 2; // stateful tickets: deterministic too
    Rng client_ctx_rng = root.Fork("browser context");
    Rng server_ctx_rng = root.Fork("web bridge context");
    auto client_ctx = Context::Create(c, client_ctx_rng);
    auto server_ctx = Context::Create(s, server_ctx_rng);
    EndpointOptions o;
    o.server_name = "cmsweb.example.com";
    o.verify_time = pki.now;
    TlsEndpoint client(*client_ctx, o, root.Fork("browser connection"));
    TlsEndpoint server(*server_ctx, EndpointOptions{}, root.Fork("web bridge connection"));

    client.Start();
    (void)client.Write(std::string_view("GET /meeting HTTP/1.1\r\nHost: cmsweb\r\n\r\n"));
    for (int i = 0; i < 10; ++i) {
        Exchange(client, server, run, true, &run.request_seen, byte_at_a_time);
        if (server.Established() && run.response_seen.empty() && !run.request_seen.empty())
            (void)server.Write(std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        Exchange(server, client, run, false, &run.response_seen, byte_at_a_time);
    }
    client.Close();
    Exchange(client, server, run, true, nullptr, byte_at_a_time);
    Exchange(server, client, run, false, nullptr, byte_at_a_time);
    EXPECT_EQ(server.GetState(), EndpointBase::State::Closed);
    EXPECT_EQ(client.GetState(), EndpointBase::State::Closed);
    return run;
}

Bytes Direction(const LabRun& run, bool from_client) {
    Bytes out;
    for (const auto& c : run.crossings)
        if (c.from_client == from_client)
            out.insert(out.end(), c.bytes.begin(), c.bytes.end());
    return out;
}

} // namespace

class DeterminismTest : public ::testing::TestWithParam<ProtocolVersion> {};

INSTANTIATE_TEST_SUITE_P(Versions, DeterminismTest,
                         ::testing::Values(ProtocolVersion::Tls12, ProtocolVersion::Tls13),
                         [](const auto& info) {
                             return info.param == ProtocolVersion::Tls12 ? "Tls12" : "Tls13";
                         });

TEST_P(DeterminismTest, SameSeedGivesTheSameCertificatesAndTheSameTranscript) {
    const LabRun a = RunLab(20170520, GetParam());
    const LabRun b = RunLab(20170520, GetParam());
    EXPECT_EQ(a.request_seen.size(), 39u);
    EXPECT_FALSE(a.response_seen.empty());
    EXPECT_EQ(a.ca, b.ca);
    EXPECT_EQ(a.server_cert, b.server_cert);
    EXPECT_EQ(a.server_key, b.server_key);
    ASSERT_EQ(a.crossings.size(), b.crossings.size());
    for (std::size_t i = 0; i < a.crossings.size(); ++i) {
        EXPECT_EQ(a.crossings[i].from_client, b.crossings[i].from_client) << i;
        EXPECT_EQ(a.crossings[i].bytes, b.crossings[i].bytes) << "crossing " << i;
    }
    EXPECT_EQ(a.key_log, b.key_log);
    EXPECT_GE(a.crossings.size(), 4u);
}

TEST_P(DeterminismTest, AnotherSeedGivesOtherBytesEverywhere) {
    const LabRun a = RunLab(1, GetParam());
    const LabRun b = RunLab(2, GetParam());
    EXPECT_NE(a.ca, b.ca);
    EXPECT_NE(a.server_cert, b.server_cert);
    EXPECT_NE(Direction(a, true), Direction(b, true));
    EXPECT_NE(Direction(a, false), Direction(b, false));
    ASSERT_FALSE(a.crossings.empty());
    ASSERT_FALSE(b.crossings.empty());
    EXPECT_NE(a.crossings[0].bytes, b.crossings[0].bytes); // the ClientHello random
    EXPECT_NE(a.key_log, b.key_log);
}

TEST_P(DeterminismTest, HowTheNetworkSplitsTheBytesDoesNotChangeThem) {
    // Each endpoint draws from its own stream, so delivery in pieces changes nothing.
    const LabRun whole = RunLab(99, GetParam(), false);
    const LabRun pieces = RunLab(99, GetParam(), true);
    EXPECT_EQ(Direction(whole, true), Direction(pieces, true));
    EXPECT_EQ(Direction(whole, false), Direction(pieces, false));
}
