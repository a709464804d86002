// DTLS as WebRTC uses it: self-signed certificates checked by fingerprint, use_srtp and
// the exported SRTP keys, datagram boundaries, and retransmission on simulated time.
#include "tls/dtls_endpoint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <openssl/x509_vfy.h>

#include "pki/certificate_authority.h"
#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
using namespace cmslab::testutil;
using namespace std::chrono_literals;
using Kind = Event::Kind;

namespace {

pki::Identity WebRtcCertificate(Rng& rng, const std::string& cn,
                                pki::KeyType type = pki::KeyType::EcdsaP256) {
    pki::CertificateProfile p;
    p.subject.common_name = cn;
    p.not_before = *pki::ParseUtc("2017-05-19T00:00:00Z");
    p.not_after = *pki::ParseUtc("2017-06-19T00:00:00Z");
    p.key_type = type;
    p.usage = pki::CertificateUsage::ServerAndClient;
    return *pki::CreateSelfSigned(p, rng);
}

class DtlsTest : public ::testing::Test {
  protected:
    Rng rng{5};
    pki::Identity cms = WebRtcCertificate(rng, "cms");
    pki::Identity browser = WebRtcCertificate(rng, "browser");

    std::shared_ptr<Context> Ctx(Role role, const pki::Identity& id, std::uint64_t seed = 1) {
        ContextConfig c;
        c.role = role;
        c.transport = Transport::Datagram;
        c.identities = {id};
        c.verify = VerifyMode::Fingerprint;
        c.srtp_profiles = {"SRTP_AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_32"};
        return MakeContext(c, seed);
    }
    EndpointOptions Expecting(const pki::Identity& peer, std::size_t link_mtu = 1500) {
        EndpointOptions o;
        o.peer_fingerprint = peer.certificate.ComputeFingerprint("sha-256");
        o.link_mtu = link_mtu;
        return o;
    }
    // The CMS is the DTLS client ("initiator"), the browser the server.
    std::unique_ptr<DtlsEndpoint> Cms(EndpointOptions o) {
        return std::make_unique<DtlsEndpoint>(Ctx(Role::Client, cms, 1), o, Rng(100));
    }
    std::unique_ptr<DtlsEndpoint> Browser(EndpointOptions o) {
        return std::make_unique<DtlsEndpoint>(Ctx(Role::Server, browser, 2), o, Rng(200));
    }
};

struct Delivered {
    std::vector<Bytes> datagrams;
    FeedResult result;
};

// The handshake bytes (message headers and fragments) carried by the DTLS records of
// some datagrams, in order: record headers (and so sequence numbers) left out.
Bytes HandshakeBytes(const std::vector<Bytes>& datagrams) {
    Bytes out;
    for (const auto& dg : datagrams) {
        ByteReader r(dg);
        while (r.Remaining() >= 13) {
            std::uint8_t type = 0;
            std::uint16_t length = 0;
            ByteView body;
            r.U8(type);
            r.Skip(10); // version, epoch, sequence number
            r.U16(length);
            if (!r.Take(length, body))
                break;
            if (type == 22)
                out.insert(out.end(), body.begin(), body.end());
        }
    }
    return out;
}

// Sends everything `from` has to `to` at `now`, unless dropped.
Delivered Deliver(DtlsEndpoint& from, DtlsEndpoint& to, Instant now, bool drop = false) {
    Delivered d;
    d.datagrams = from.TakeOutput();
    if (drop)
        return d;
    for (const auto& dg : d.datagrams)
        Append(d.result, to.Feed(dg, now));
    return d;
}

// Lossless exchange, 10 ms one way, until both are quiet.
Instant RunLossless(DtlsEndpoint& a, DtlsEndpoint& b, Instant now, FeedResult* a_out = nullptr,
                    FeedResult* b_out = nullptr) {
    for (int i = 0; i < 20; ++i) {
        now += 10ms;
        auto to_b = Deliver(a, b, now);
        if (b_out != nullptr)
            Append(*b_out, std::move(to_b.result));
        now += 10ms;
        auto to_a = Deliver(b, a, now);
        if (a_out != nullptr)
            Append(*a_out, std::move(to_a.result));
        if (to_b.datagrams.empty() && to_a.datagrams.empty())
            break;
    }
    return now;
}

} // namespace

TEST_F(DtlsTest, LosslessHandshakeNegotiatesSrtpAndBothSidesExportTheSameKeys) {
    auto client = Cms(Expecting(browser));
    auto server = Browser(Expecting(cms));
    FeedResult client_events = client->Start(0ms), server_events;
    RunLossless(*client, *server, 0ms, &client_events, &server_events);
    ASSERT_TRUE(client->Established()) << Describe(client_events.events);
    ASSERT_TRUE(server->Established()) << Describe(server_events.events);
    EXPECT_EQ(client->Info().version, "DTLSv1.2");
    EXPECT_EQ(client->Info().srtp_profile, "SRTP_AES128_CM_SHA1_80");
    EXPECT_EQ(server->Info().srtp_profile, "SRTP_AES128_CM_SHA1_80");
    EXPECT_EQ(client->Retransmissions(), 0u);
    EXPECT_FALSE(client->NextTimeout().has_value());

    ASSERT_TRUE(client->SrtpKeys().has_value());
    ASSERT_TRUE(server->SrtpKeys().has_value());
    const SrtpKeyMaterial& c = *client->SrtpKeys();
    const SrtpKeyMaterial& s = *server->SrtpKeys();
    EXPECT_EQ(c.profile_id, 0x0001);
    EXPECT_EQ(c.client_write_key.size(), 16u);
    EXPECT_EQ(c.client_write_salt.size(), 14u);
    EXPECT_EQ(c.client_write_key, s.client_write_key);
    EXPECT_EQ(c.server_write_key, s.server_write_key);
    EXPECT_EQ(c.client_write_salt, s.client_write_salt);
    EXPECT_EQ(c.server_write_salt, s.server_write_salt);
    EXPECT_NE(c.client_write_key, c.server_write_key);
    EXPECT_EQ(c.LocalKey(Role::Client), s.RemoteKey(Role::Server));
    EXPECT_EQ(c.LocalSalt(Role::Client), s.RemoteSalt(Role::Server));

    // Each side saw the other's self-signed certificate.
    EXPECT_EQ(*client->PeerCertificate(), browser.certificate);
    EXPECT_EQ(*server->PeerCertificate(), cms.certificate);

    // Application data (a data channel would ride here).
    ASSERT_TRUE(client->Write(std::string_view("hello")).Ok());
    auto out = client->TakeOutput();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(LooksLikeDtls(out[0]));
    EXPECT_EQ(ByteView(server->Feed(out[0], 1s).data).ToString(), "hello");
}

TEST_F(DtlsTest, SmallMtuFragmentsTheHandshakeAcrossDatagramsThatKeepTheirBoundaries) {
    Rng r(9);
    pki::Identity big_client = WebRtcCertificate(r, "cms", pki::KeyType::Rsa2048);
    pki::Identity big_server = WebRtcCertificate(r, "browser", pki::KeyType::Rsa2048);
    DtlsEndpoint client(Ctx(Role::Client, big_client), Expecting(big_server, 300), Rng(1));
    DtlsEndpoint server(Ctx(Role::Server, big_server), Expecting(big_client, 300), Rng(2));
    client.Start(0ms);
    std::size_t largest = 0, count = 0;
    Instant now = 0ms;
    for (int i = 0; i < 20 && !(client.Established() && server.Established()); ++i) {
        for (auto [from, to] :
             {std::make_pair(&client, &server), std::make_pair(&server, &client)}) {
            now += 5ms;
            for (const auto& dg : from->TakeOutput()) {
                largest = std::max(largest, dg.size());
                ++count;
                to->Feed(dg, now);
            }
        }
    }
    EXPECT_TRUE(client.Established());
    EXPECT_TRUE(server.Established());
    EXPECT_LE(largest, 300u - 28u);
    EXPECT_GT(count, 8u); // RSA certificates did not fit in one datagram each
}

TEST_F(DtlsTest, LostServerFlightIsSentAgainWhenTheSimulatedTimerFires) {
    auto client = Cms(Expecting(browser));
    auto server = Browser(Expecting(cms));
    client->Start(0ms);
    ASSERT_EQ(client->NextTimeout(), Instant(1s));
    Deliver(*client, *server, 10ms);
    ASSERT_EQ(server->NextTimeout(), Instant(1010ms));
    auto lost = Deliver(*server, *client, 20ms, /*drop=*/true);
    ASSERT_FALSE(lost.datagrams.empty());

    // Not before its time.
    client->HandleTimeout(999ms);
    EXPECT_TRUE(client->TakeOutput().empty());
    EXPECT_EQ(client->Retransmissions(), 0u);

    // At 1 s the ClientHello goes again and the timer doubles.
    client->HandleTimeout(1s);
    auto again = client->TakeOutput();
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0][0], 22); // handshake record
    EXPECT_EQ(again[0][13], 1); // ClientHello
    EXPECT_EQ(client->Retransmissions(), 1u);
    EXPECT_EQ(client->NextTimeout(), Instant(3s));

    // The server resends its own flight on its own timer: the same handshake messages as
    // the lost one (in other records: record sequence numbers move on).
    server->HandleTimeout(1010ms);
    auto resent = server->TakeOutput();
    EXPECT_EQ(server->Retransmissions(), 1u);
    EXPECT_FALSE(HandshakeBytes(lost.datagrams).empty());
    EXPECT_EQ(HandshakeBytes(resent), HandshakeBytes(lost.datagrams));
    for (const auto& dg : resent)
        client->Feed(dg, 1020ms);

    RunLossless(*client, *server, 1020ms);
    EXPECT_TRUE(client->Established());
    EXPECT_TRUE(server->Established());
    EXPECT_TRUE(client->SrtpKeys().has_value());
    EXPECT_EQ(client->SrtpKeys()->client_write_key, server->SrtpKeys()->client_write_key);
}

TEST_F(DtlsTest, LostFinalFlightIsRecoveredByTheClientsRetransmission) {
    auto client = Cms(Expecting(browser));
    auto server = Browser(Expecting(cms));
    client->Start(0ms);
    Deliver(*client, *server, 10ms); // ClientHello
    Deliver(*server, *client, 20ms); // ServerHello .. ServerHelloDone
    Deliver(*client, *server, 30ms); // Certificate .. Finished
    ASSERT_TRUE(server->Established());
    Deliver(*server, *client, 40ms, /*drop=*/true); // ChangeCipherSpec, Finished: lost
    ASSERT_FALSE(client->Established());
    ASSERT_EQ(client->NextTimeout(), Instant(1020ms));
    client->HandleTimeout(1020ms);
    EXPECT_EQ(client->Retransmissions(), 1u);
    Deliver(*client, *server, 1030ms); // the server answers the repeated flight
    Deliver(*server, *client, 1040ms);
    EXPECT_TRUE(client->Established());
}

TEST_F(DtlsTest, TheWallClockNeverTriggersARetransmission) {
    EndpointOptions o = Expecting(browser);
    o.initial_retransmit = 20ms;
    DtlsEndpoint client(Ctx(Role::Client, cms), o, Rng(1));
    client.Start(0ms);
    client.TakeOutput();
    // Real time passes well beyond the timer; the endpoint is poked with a stray
    // datagram (too short for a record: silently dropped), which makes OpenSSL consult
    // its own timer on the way.
    std::this_thread::sleep_for(60ms);
    auto poked = client.Feed(Bytes{22, 0xfe, 0xfd, 0, 0}, 1ms);
    EXPECT_TRUE(poked.events.empty()) << Describe(poked.events);
    EXPECT_TRUE(client.TakeOutput().empty());
    EXPECT_EQ(client.Retransmissions(), 0u);
    // Simulated time does.
    client.HandleTimeout(20ms);
    EXPECT_EQ(client.TakeOutput().size(), 1u);
}

TEST_F(DtlsTest, GivesUpAfterTooManyTimeouts) {
    auto client = Cms(Expecting(browser));
    FeedResult all = client->Start(0ms);
    for (int i = 0; i < 20 && client->NextTimeout(); ++i)
        Append(all, client->HandleTimeout(*client->NextTimeout()));
    EXPECT_EQ(client->GetState(), EndpointBase::State::Failed) << Describe(all.events);
    EXPECT_GE(client->Retransmissions(), 10u);
    EXPECT_NE(FindEvent(all.events, Kind::Failed), nullptr);
}

TEST_F(DtlsTest, FingerprintMismatchIsRejectedWithBadCertificate) {
    Rng r(77);
    pki::Identity impostor = WebRtcCertificate(r, "browser");
    auto client = Cms(Expecting(browser));
    DtlsEndpoint server(Ctx(Role::Server, impostor, 2), Expecting(cms), Rng(200));
    FeedResult client_events = client->Start(0ms), server_events;
    RunLossless(*client, server, 0ms, &client_events, &server_events);
    EXPECT_EQ(client->GetState(), EndpointBase::State::Failed);
    ASSERT_EQ(client->VerifyErrors().size(), 1u);
    EXPECT_EQ(client->VerifyErrors()[0].code, X509_V_ERR_CERT_REJECTED);
    EXPECT_NE(client->VerifyErrors()[0].text.find(browser.certificate.ComputeFingerprint().ToSdp()),
              std::string::npos);
    const Event* sent = FindEvent(client_events.events, Kind::AlertSent);
    ASSERT_NE(sent, nullptr) << Describe(client_events.events);
    EXPECT_EQ(sent->alert, (Alert{true, alert::kBadCertificate}));
    EXPECT_NE(FindEvent(server_events.events, Kind::AlertReceived), nullptr);
    EXPECT_FALSE(client->SrtpKeys().has_value());
    // The server's flight was out when the alert came: no timer is left to drive.
    EXPECT_EQ(server.GetState(), EndpointBase::State::Failed);
    EXPECT_FALSE(server.NextTimeout().has_value());
    EXPECT_FALSE(client->NextTimeout().has_value());
}

TEST_F(DtlsTest, ServerRejectsAClientWhoseFingerprintIsNotTheOfferedOne) {
    Rng r(78);
    pki::Identity impostor = WebRtcCertificate(r, "cms");
    DtlsEndpoint client(Ctx(Role::Client, impostor, 1), Expecting(browser), Rng(100));
    auto server = Browser(Expecting(cms));
    FeedResult server_events;
    client.Start(0ms);
    RunLossless(client, *server, 0ms, nullptr, &server_events);
    EXPECT_EQ(server->GetState(), EndpointBase::State::Failed);
    ASSERT_FALSE(server->VerifyErrors().empty());
    EXPECT_EQ(server->VerifyErrors()[0].code, X509_V_ERR_CERT_REJECTED);
    EXPECT_EQ(client.GetState(), EndpointBase::State::Failed);
}

TEST_F(DtlsTest, SameSeedsGiveTheSameDatagrams) {
    auto run = [&] {
        std::vector<Bytes> all;
        DtlsEndpoint client(Ctx(Role::Client, cms, 1), Expecting(browser), Rng(100));
        DtlsEndpoint server(Ctx(Role::Server, browser, 2), Expecting(cms), Rng(200));
        client.Start(0ms);
        for (int i = 0; i < 6; ++i) {
            for (auto& dg : client.TakeOutput()) {
                all.push_back(dg);
                server.Feed(dg, 1ms);
            }
            for (auto& dg : server.TakeOutput()) {
                all.push_back(dg);
                client.Feed(dg, 2ms);
            }
        }
        EXPECT_TRUE(client.Established());
        return all;
    };
    const auto a = run();
    const auto b = run();
    EXPECT_EQ(a, b);
    EXPECT_GE(a.size(), 4u);
}

TEST(DtlsDemux, Rfc7983FirstByteRanges) {
    EXPECT_TRUE(LooksLikeDtls(Bytes(13, 22)));
    EXPECT_FALSE(LooksLikeDtls(Bytes(13, 0)));    // STUN
    EXPECT_FALSE(LooksLikeDtls(Bytes(13, 0x80))); // RTP
    EXPECT_FALSE(LooksLikeDtls(Bytes(5, 22)));    // shorter than a record header
}
