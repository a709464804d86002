// The key log lines Wireshark reads (NSS format), for TLS 1.3 and 1.2.
#include "tls/tls_endpoint.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
using namespace cmslab::testutil;

namespace {

struct Logged {
    std::vector<std::string> client_lines, server_lines;
    Bytes client_random; // from the ClientHello on the wire
};

Logged Handshake(const TestPki& pki, ProtocolVersion max_version) {
    Logged out;
    ContextConfig c;
    c.role = Role::Client;
    c.trust_anchors = {pki.ca->Cert()};
    c.max_version = max_version;
    c.key_log = [&out](const std::string& line) { out.client_lines.push_back(line); };
    ContextConfig s;
    s.role = Role::Server;
    s.identities = {pki.cms};
    s.key_log = [&out](const std::string& line) { out.server_lines.push_back(line); };
    EndpointOptions o;
    o.server_name = "cmsweb.example.com";
    o.verify_time = pki.now;
    TlsEndpoint client(MakeContext(c, 1), o, Rng(3));
    TlsEndpoint server(MakeContext(s, 2), EndpointOptions{}, Rng(4));
    auto r = Pump(client, server);
    EXPECT_TRUE(client.Established()) << Describe(r.client.events);
    // Record header (5), handshake header (4), legacy_version (2), then the random.
    const Bytes first = r.crossings.at(0).bytes;
    out.client_random.assign(first.begin() + 11, first.begin() + 43);
    return out;
}

const std::regex kLine("^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_"
                       "SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) "
                       "([0-9a-f]{64}) ([0-9a-f]{64}|[0-9a-f]{96})$");

} // namespace

TEST(KeyLog, Tls13LinesHaveTheNssLabelsTheClientRandomAndTheSecrets) {
    TestPki pki(11);
    Logged log = Handshake(pki, ProtocolVersion::Tls13);
    std::set<std::string> labels;
    for (const auto& line : log.client_lines) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(line, m, kLine)) << line;
        labels.insert(m[1]);
        EXPECT_EQ(m[2].str(), ToHex(log.client_random)) << line;
    }
    EXPECT_EQ(labels,
              (std::set<std::string>{"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                     "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                                     "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"}));
    // Both ends log the same secrets.
    EXPECT_EQ(std::set<std::string>(log.client_lines.begin(), log.client_lines.end()),
              std::set<std::string>(log.server_lines.begin(), log.server_lines.end()));
}

TEST(KeyLog, Tls12WritesOneClientRandomLineWithTheMasterSecret) {
    TestPki pki(12);
    Logged log = Handshake(pki, ProtocolVersion::Tls12);
    ASSERT_EQ(log.client_lines.size(), 1u);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(log.client_lines[0], m, kLine)) << log.client_lines[0];
    EXPECT_EQ(m[1].str(), "CLIENT_RANDOM");
    EXPECT_EQ(m[2].str(), ToHex(log.client_random));
    EXPECT_EQ(m[3].str().size(), 96u); // 48-byte master secret
    EXPECT_EQ(log.server_lines, log.client_lines);
}
