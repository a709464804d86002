// Shared pieces of the tls tests: a small lab PKI, contexts, and a pump that shuttles
// bytes between two endpoints while recording everything that crossed.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "pki/certificate_authority.h"
#include "tls/context.h"
#include "tls/tls_endpoint.h"

namespace cmslab::testutil {

// Certificates of a small deployment, all from one seed.
struct TestPki {
    explicit TestPki(std::uint64_t seed, pki::KeyType key_type = pki::KeyType::EcdsaP256);

    Rng rng;
    std::optional<pki::CertificateAuthority> ca;
    std::optional<pki::CertificateAuthority> other_ca;
    pki::Identity expressway;       // SAN vcse.example.com, vcsc.example.local (no web bridge)
    pki::Identity cms;              // SAN cmsweb.example.com, cmsweb.cms.example.local
    pki::Identity cms_self_signed;  // the same names, self-signed
    pki::Identity cms_foreign;      // the same names, from another CA
    pki::Identity traversal_client; // vcsc.example.local, clientAuth + serverAuth
    pki::UnixTime now = 0;          // inside every validity period
    pki::UnixTime not_after = 0;
};

std::shared_ptr<tls::Context> MakeContext(const tls::ContextConfig& config, std::uint64_t seed);

struct Crossing {
    bool from_client = true;
    Bytes bytes;
};

struct PumpResult {
    std::vector<Crossing> crossings; // every non-empty TakeOutput(), in order
    tls::FeedResult client;          // everything the client reported
    tls::FeedResult server;
    Bytes ClientToServer() const;
    Bytes ServerToClient() const;
};

// Starts the client (if idle) and moves bytes both ways until both are quiet.
PumpResult Pump(tls::TlsEndpoint& client, tls::TlsEndpoint& server, int max_rounds = 50);
// Adds what `more` reports to `into`.
void Append(tls::FeedResult& into, tls::FeedResult more);

const tls::Event* FindEvent(const std::vector<tls::Event>& events, tls::Event::Kind kind);
std::string Describe(const std::vector<tls::Event>& events);

// One TLS record as it crossed the wire.
struct Record {
    std::uint8_t type = 0;
    std::uint16_t version = 0;
    Bytes body;
};
// Whole records of a stream, in order (a trailing partial record is left out).
std::vector<Record> ParseRecords(ByteView stream);

// The secret of `label` in NSS key log text ("CLIENT_HANDSHAKE_TRAFFIC_SECRET"...).
Bytes SecretFromKeyLog(const std::string& key_log, const std::string& label);
// Decrypts one TLS 1.3 record protected with TLS_AES_128_GCM_SHA256 under the traffic
// secret, as record number `sequence` of its epoch (RFC 8446 5.2, 7.3). Returns the
// inner plaintext with its content type last; nullopt if it does not authenticate.
std::optional<Bytes> DecryptTls13Record(const Record& record, const Bytes& traffic_secret,
                                        std::uint64_t sequence);

} // namespace cmslab::testutil
