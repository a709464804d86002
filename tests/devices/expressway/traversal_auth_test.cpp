// The traversal zone's authentication: digest credentials against Expressway-E's local
// users, and the TLS verify subject name against the client certificate.
#include "traversal_auth.h"

#include "pki/certificate_authority.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::expressway;

namespace {

TraversalServerConfig ServerConfig() {
    TraversalServerConfig c;
    c.zone_name = "UT Zone";
    c.username = "Tuser";
    c.local_users = {{"admin", "x"}, {"turnuser", "cisco"}, {"Tuser", "Trav3rsal!"}};
    c.tls_verify_subject_name = "vcsc.octavio.local";
    return c;
}

TraversalClientConfig ClientConfig(std::string user, std::string password) {
    TraversalClientConfig c;
    c.zone_name = "UT Zone";
    c.username = std::move(user);
    c.password = std::move(password);
    c.peer = "vcse.octavio.com";
    c.local_name = "vcsc.octavio.local";
    return c;
}

PeerCertificateInfo GoodPeer() {
    PeerCertificateInfo p;
    p.present = p.chain_ok = p.name_matches = true;
    p.subject = "CN = vcsc.octavio.local";
    return p;
}

struct Result {
    TraversalOutcome client = TraversalOutcome::Pending;
    TraversalOutcome server = TraversalOutcome::Pending;
    std::string client_reason;
    std::string server_reason;
    int round_trips = 0;
};

Result Exchange(TraversalClientConfig client_config, PeerCertificateInfo peer) {
    TraversalAuthClient client(std::move(client_config), Rng(1));
    TraversalAuthServer server(ServerConfig(), std::move(peer), Rng(2));
    Bytes to_server = client.Start();
    Result r;
    while (!to_server.empty() && r.round_trips < 5) {
        ++r.round_trips;
        TraversalStep s = server.Feed(to_server);
        TraversalStep c = client.Feed(s.send);
        to_server = c.send;
        if (s.close)
            break;
    }
    r.client = client.Outcome();
    r.server = server.Outcome();
    r.client_reason = client.Reason();
    r.server_reason = server.Reason();
    return r;
}

} // namespace

TEST(TraversalAuth, GoodCredentialsAuthenticateAfterAChallenge) {
    Result r = Exchange(ClientConfig("Tuser", "Trav3rsal!"), GoodPeer());
    EXPECT_EQ(r.client, TraversalOutcome::Authenticated) << r.client_reason;
    EXPECT_EQ(r.server, TraversalOutcome::Authenticated) << r.server_reason;
    EXPECT_EQ(r.round_trips, 2);
}

TEST(TraversalAuth, WrongPasswordIsRefused) {
    Result r = Exchange(ClientConfig("Tuser", "wrong"), GoodPeer());
    EXPECT_EQ(r.client, TraversalOutcome::Rejected);
    EXPECT_EQ(r.server, TraversalOutcome::Rejected);
    EXPECT_NE(r.server_reason.find("wrong password for 'Tuser'"), std::string::npos)
        << r.server_reason;
    EXPECT_EQ(r.client_reason.rfind("401 Unauthorized", 0), 0u) << r.client_reason;
}

TEST(TraversalAuth, AnotherLocalUserIsNotTheZonesUser) {
    Result r = Exchange(ClientConfig("turnuser", "cisco"), GoodPeer());
    EXPECT_EQ(r.client, TraversalOutcome::Rejected);
    EXPECT_NE(r.server_reason.find("not the zone's username"), std::string::npos);
    TraversalServerConfig c = ServerConfig();
    c.local_users.erase("Tuser");
    TraversalAuthClient client(ClientConfig("Tuser", "Trav3rsal!"), Rng(1));
    TraversalAuthServer server(c, GoodPeer(), Rng(2));
    TraversalStep s = server.Feed(client.Start());
    s = server.Feed(client.Feed(s.send).send);
    EXPECT_EQ(server.Outcome(), TraversalOutcome::Rejected);
    EXPECT_NE(server.Reason().find("not in the local authentication database"), std::string::npos);
}

TEST(TraversalAuth, SubjectNameCheckOnRealCertificates) {
    Rng rng(42);
    pki::CaProfile ca_profile;
    ca_profile.subject.common_name = "Lab Root";
    ca_profile.not_before = 0;
    ca_profile.not_after = 2000000000;
    auto ca = pki::CertificateAuthority::CreateRoot(ca_profile, rng);
    ASSERT_TRUE(ca.Ok()) << ca.Message();
    auto issue = [&](const std::string& name) {
        pki::CertificateProfile p;
        p.subject.common_name = name;
        p.dns_names = {name};
        p.not_after = 2000000000;
        p.usage = pki::CertificateUsage::ServerAndClient;
        return *ca->Issue(p, rng);
    };
    const pki::Identity vcsc = issue("vcsc.octavio.local");
    const pki::Identity other = issue("intruder.example.com");

    PeerCertificateInfo good =
        InspectClientCertificate(&vcsc.certificate, true, "vcsc.octavio.local");
    EXPECT_TRUE(good.present && good.name_matches);
    EXPECT_EQ(Exchange(ClientConfig("Tuser", "Trav3rsal!"), good).server,
              TraversalOutcome::Authenticated);

    PeerCertificateInfo wrong =
        InspectClientCertificate(&other.certificate, true, "vcsc.octavio.local");
    EXPECT_TRUE(wrong.present);
    EXPECT_FALSE(wrong.name_matches);
    Result r = Exchange(ClientConfig("Tuser", "Trav3rsal!"), wrong);
    EXPECT_EQ(r.server, TraversalOutcome::Rejected);
    EXPECT_EQ(r.client, TraversalOutcome::Rejected);
    EXPECT_EQ(r.round_trips, 1) << "refused before any credential";
    EXPECT_NE(r.client_reason.find("403 Forbidden"), std::string::npos) << r.client_reason;
    EXPECT_NE(r.server_reason.find("TLS verify subject name"), std::string::npos);

    EXPECT_EQ(Exchange(ClientConfig("Tuser", "Trav3rsal!"),
                       InspectClientCertificate(nullptr, false, "vcsc.octavio.local"))
                  .server,
              TraversalOutcome::Rejected);
    EXPECT_EQ(Exchange(ClientConfig("Tuser", "Trav3rsal!"),
                       InspectClientCertificate(&vcsc.certificate, false, "vcsc.octavio.local"))
                  .server,
              TraversalOutcome::Rejected)
        << "an untrusted chain fails too";
}

TEST(TraversalAuth, DigestMatchesRfc2617Construction) {
    // HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life") = 939e7578ed9e3c518a452acee763bce9
    // (RFC 2617 section 3.5); without qop the response is MD5(HA1:nonce:HA2).
    const std::string r =
        DigestResponse("Mufasa", "testrealm@host.com", "Circle Of Life",
                       "dcd98b7102dd2f0e8b11d0f600bfb0c093", "GET", "/dir/index.html");
    EXPECT_EQ(r, "670fd8c2df070c60b045671b8b24ff02");
    auto p = ParseDigest(R"(Digest realm="a, b", nonce="x\"y", algorithm=MD5)");
    ASSERT_TRUE(p);
    EXPECT_EQ((*p)["realm"], "a, b");
    EXPECT_EQ((*p)["nonce"], "x\"y");
    EXPECT_EQ((*p)["algorithm"], "MD5");
    EXPECT_FALSE(ParseDigest("Basic abc"));
    EXPECT_FALSE(ParseDigest("Digest realm=\"open"));
}

TEST(TraversalAuth, SipDecoderSplitsAndFuzz100k) {
    TraversalAuthClient client(ClientConfig("Tuser", "Trav3rsal!"), Rng(1));
    TraversalAuthServer server(ServerConfig(), GoodPeer(), Rng(2));
    const Bytes request = client.Start();
    const Bytes challenge = server.Feed(request).send;
    const Bytes authed = client.Feed(challenge).send;
    std::vector<Bytes> corpus = {request, challenge, authed};
    for (const Bytes& m : corpus) {
        for (std::size_t cut = 0; cut <= m.size(); ++cut) {
            SipDecoder d;
            d.Feed(ByteView(m).Sub(0, cut));
            auto first = d.Next();
            ASSERT_TRUE(first.Ok());
            d.Feed(ByteView(m).Sub(cut));
            auto n = first->has_value() ? first : d.Next();
            ASSERT_TRUE(n.Ok()) << n.Message();
            ASSERT_TRUE(n->has_value()) << "cut " << cut;
            EXPECT_EQ(EncodeSip(**n), m);
        }
    }
    Rng rng(77);
    int parsed = 0;
    for (int i = 0; i < 100000; ++i) {
        Bytes input = corpus[rng.Uniform(0, corpus.size() - 1)];
        switch (rng.Uniform(0, 3)) {
        case 0:
            input.resize(rng.Uniform(0, 200));
            rng.Fill(input.data(), input.size());
            break;
        case 1:
            input.resize(rng.Uniform(0, input.size()));
            break;
        case 2:
            input[rng.Uniform(0, input.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
            break;
        default: {
            const std::string big = "Content-Length: " + std::to_string(rng.U64()) + "\r\n";
            input.insert(input.begin() + 20, big.begin(), big.end());
            break;
        }
        }
        SipDecoder d;
        d.Feed(input);
        auto n = d.Next();
        parsed += n.Ok() && n->has_value();
        // And the machines themselves.
        TraversalAuthServer s(ServerConfig(), GoodPeer(), Rng(3));
        s.Feed(input);
        TraversalAuthClient c(ClientConfig("Tuser", "Trav3rsal!"), Rng(4));
        c.Start();
        c.Feed(input);
    }
    EXPECT_GT(parsed, 1000);
}
