#include "tls_test_support.h"

#include <gtest/gtest.h>

#include <sstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace cmslab::testutil {

using namespace cmslab::pki;

TestPki::TestPki(std::uint64_t seed, KeyType key_type) : rng(seed) {
    now = *ParseUtc("2017-05-20T10:00:00Z");
    const UnixTime not_before = *ParseUtc("2016-01-01T00:00:00Z");
    not_after = *ParseUtc("2019-01-01T00:00:00Z");
    CaProfile ca_profile;
    ca_profile.subject = {"US", "", "", "Example Lab", "", "Example Lab Root CA"};
    ca_profile.not_before = not_before;
    ca_profile.not_after = *ParseUtc("2030-01-01T00:00:00Z");
    ca_profile.key_type = key_type;
    ca.emplace(*CertificateAuthority::CreateRoot(ca_profile, rng));
    ca_profile.subject.common_name = "Somebody Else's CA";
    other_ca.emplace(*CertificateAuthority::CreateRoot(ca_profile, rng));

    CertificateProfile p;
    p.not_before = not_before;
    p.not_after = not_after;
    p.key_type = key_type;
    p.subject = {"US", "", "", "Example", "", "vcse.example.com"};
    p.dns_names = {"vcse.example.com", "vcsc.example.local"};
    expressway = *ca->Issue(p, rng);

    p.subject.common_name = "cmsweb.example.com";
    p.dns_names = {"cmsweb.example.com", "cmsweb.cms.example.local"};
    cms = *ca->Issue(p, rng);
    cms_self_signed = *CreateSelfSigned(p, rng);
    cms_foreign = *other_ca->Issue(p, rng);

    p.subject.common_name = "vcsc.example.local";
    p.dns_names = {"vcsc.example.local"};
    p.usage = CertificateUsage::ServerAndClient;
    traversal_client = *ca->Issue(p, rng);
}

std::shared_ptr<tls::Context> MakeContext(const tls::ContextConfig& config, std::uint64_t seed) {
    Rng rng(seed);
    auto ctx = tls::Context::Create(config, rng);
    EXPECT_TRUE(ctx.Ok()) << ctx.Message();
    return ctx.Ok() ? *ctx : nullptr;
}

Bytes PumpResult::ClientToServer() const {
    Bytes out;
    for (const auto& c : crossings)
        if (c.from_client)
            out.insert(out.end(), c.bytes.begin(), c.bytes.end());
    return out;
}

Bytes PumpResult::ServerToClient() const {
    Bytes out;
    for (const auto& c : crossings)
        if (!c.from_client)
            out.insert(out.end(), c.bytes.begin(), c.bytes.end());
    return out;
}

void Append(tls::FeedResult& into, tls::FeedResult more) {
    into.data.insert(into.data.end(), more.data.begin(), more.data.end());
    for (auto& e : more.events)
        into.events.push_back(std::move(e));
}

PumpResult Pump(tls::TlsEndpoint& client, tls::TlsEndpoint& server, int max_rounds) {
    PumpResult r;
    if (client.GetState() == tls::EndpointBase::State::Idle)
        Append(r.client, client.Start());
    for (int round = 0; round < max_rounds; ++round) {
        Bytes c2s = client.TakeOutput();
        if (!c2s.empty()) {
            r.crossings.push_back({true, c2s});
            Append(r.server, server.Feed(c2s));
        }
        Bytes s2c = server.TakeOutput();
        if (!s2c.empty()) {
            r.crossings.push_back({false, s2c});
            Append(r.client, client.Feed(s2c));
        }
        if (c2s.empty() && s2c.empty() && !client.HasOutput() && !server.HasOutput())
            break;
    }
    return r;
}

const tls::Event* FindEvent(const std::vector<tls::Event>& events, tls::Event::Kind kind) {
    for (const auto& e : events)
        if (e.kind == kind)
            return &e;
    return nullptr;
}

std::string Describe(const std::vector<tls::Event>& events) {
    std::string out;
    for (const auto& e : events)
        out += "  " + e.ToString() + "\n";
    return out;
}

std::vector<Record> ParseRecords(ByteView stream) {
    std::vector<Record> out;
    ByteReader r(stream);
    while (r.Remaining() >= 5) {
        Record rec;
        std::uint16_t length = 0;
        ByteView body;
        if (!r.U8(rec.type) || !r.U16(rec.version) || !r.U16(length) || !r.Take(length, body))
            break;
        rec.body = body.ToBytes();
        out.push_back(std::move(rec));
    }
    return out;
}

Bytes SecretFromKeyLog(const std::string& key_log, const std::string& label) {
    std::istringstream lines(key_log);
    std::string name, random, secret;
    while (lines >> name >> random >> secret) {
        Bytes out;
        if (name == label && FromHex(secret, out))
            return out;
    }
    return {};
}

namespace {

// HKDF-Expand-Label (RFC 8446 7.1) with SHA-256, for outputs up to 32 bytes.
Bytes ExpandLabel(const Bytes& secret, const std::string& label, std::size_t length) {
    ByteWriter info;
    info.U16(static_cast<std::uint16_t>(length));
    const std::string full = "tls13 " + label;
    info.U8(static_cast<std::uint8_t>(full.size()));
    info.Append(std::string_view(full));
    info.U8(0); // empty context
    info.U8(1); // HKDF-Expand counter T(1)
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), info.Buffer().data(),
         info.Size(), out, &n);
    return Bytes(out, out + length);
}

} // namespace

std::optional<Bytes> DecryptTls13Record(const Record& record, const Bytes& traffic_secret,
                                        std::uint64_t sequence) {
    if (record.body.size() < 17 || traffic_secret.size() != 32)
        return std::nullopt;
    const Bytes key = ExpandLabel(traffic_secret, "key", 16);
    Bytes nonce = ExpandLabel(traffic_secret, "iv", 12);
    for (int i = 0; i < 8; ++i)
        nonce[11 - i] ^= static_cast<std::uint8_t>(sequence >> (8 * i));
    ByteWriter aad;
    aad.U8(record.type);
    aad.U16(record.version);
    aad.U16(static_cast<std::uint16_t>(record.body.size()));
    const std::size_t n = record.body.size() - 16;
    Bytes plain(n);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    bool ok =
        EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, key.data(), nonce.data()) &&
        EVP_DecryptUpdate(ctx, nullptr, &len, aad.Buffer().data(), static_cast<int>(aad.Size())) &&
        EVP_DecryptUpdate(ctx, plain.data(), &len, record.body.data(), static_cast<int>(n)) &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
                            const_cast<std::uint8_t*>(record.body.data() + n)) &&
        EVP_DecryptFinal_ex(ctx, plain.data() + len, &len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return std::nullopt;
    while (!plain.empty() && plain.back() == 0)
        plain.pop_back(); // padding
    return plain;
}

} // namespace cmslab::testutil
