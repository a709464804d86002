// The lab CA's certificates, judged by the real openssl command line.
#include "pki/certificate_authority.h"

#include <gtest/gtest.h>

#include "support/process.h"
#include "support/temp_dir.h"

using namespace cmslab;
using namespace cmslab::pki;
using cmslab::testkit::TempDir;

namespace {

const UnixTime kNotBefore = *ParseUtc("2017-01-01T00:00:00Z");
const UnixTime kNotAfter = *ParseUtc("2027-01-01T00:00:00Z");

CaProfile LabCa() {
    CaProfile p;
    p.subject = {"US", "", "", "Lab Example", "PKI", "Lab Example Root CA"};
    p.not_before = kNotBefore;
    p.not_after = kNotAfter;
    return p;
}

CertificateProfile ExpresswayE() {
    CertificateProfile p;
    p.subject.organization = "Example";
    p.subject.common_name = "vcse.example.com";
    p.dns_names = {"vcse.example.com", "vcsc.example.local", "cmsweb.example.com",
                   "join.example.com"};
    p.ip_addresses = {*IpAddress::Parse("192.0.2.61"), *IpAddress::Parse("2001:db8::61")};
    p.not_before = kNotBefore;
    p.not_after = kNotAfter;
    p.serial = {0x10, 0x01};
    return p;
}

// Runs `openssl <args>`; fails the test with the output when openssl is missing.
// Its standard output and error come together in `out`, in the order written.
testkit::ProcessResult OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    auto r = testkit::RunProcess(args, std::chrono::seconds(20),
                                 testkit::BackgroundProcess::Output::Merged);
    EXPECT_TRUE(testkit::ProgramExists("openssl"))
        << "the openssl command line is not installed (tools/setup installs it)";
    EXPECT_FALSE(r.timed_out) << "openssl ran past its deadline";
    return r;
}

std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
        s.pop_back();
    size_t i = 0;
    while (i < s.size() && s[i] == ' ')
        ++i;
    return s.substr(i);
}

class CertificateAuthorityTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(dir.Path().empty());
        auto ca_or = CertificateAuthority::CreateRoot(LabCa(), rng);
        ASSERT_TRUE(ca_or.Ok()) << ca_or.Message();
        ca.emplace(*ca_or);
        ca_pem = dir.Write("ca.pem", ca->Cert().ToPem());
    }

    Rng rng{2017};
    TempDir dir{"cmslab-pki"};
    std::optional<CertificateAuthority> ca;
    std::string ca_pem;
};

} // namespace

TEST_F(CertificateAuthorityTest, SanListIsExactlyTheConfiguredOneAsOpensslReadsIt) {
    auto leaf = ca->Issue(ExpresswayE(), rng);
    ASSERT_TRUE(leaf.Ok()) << leaf.Message();
    const std::string path = dir.Write("leaf.pem", leaf->certificate.ToPem());

    auto r = OpenSsl({"x509", "-in", path, "-noout", "-ext", "subjectAltName"});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::string expected = "DNS:vcse.example.com, DNS:vcsc.example.local, "
                                 "DNS:cmsweb.example.com, DNS:join.example.com, "
                                 "IP Address:192.0.2.61, IP Address:2001:DB8:0:0:0:0:0:61";
    const auto newline = r.out.find('\n');
    ASSERT_NE(newline, std::string::npos) << r.out;
    EXPECT_EQ(Trim(r.out.substr(0, newline)), "X509v3 Subject Alternative Name:");
    EXPECT_EQ(Trim(r.out.substr(newline + 1)), expected);

    EXPECT_EQ(leaf->certificate.DnsNames(), ExpresswayE().dns_names);
    EXPECT_EQ(leaf->certificate.IpAddresses(), ExpresswayE().ip_addresses);
    EXPECT_EQ(leaf->certificate.SubjectAltNames().size(), 6u);
    EXPECT_EQ(leaf->certificate.SubjectAltNames()[0].ToString(), "DNS:vcse.example.com");
}

TEST_F(CertificateAuthorityTest, IssuedLeafVerifiesAgainstTheCaForServerUse) {
    auto leaf = ca->Issue(ExpresswayE(), rng);
    ASSERT_TRUE(leaf.Ok()) << leaf.Message();
    const std::string path = dir.Write("leaf.pem", leaf->certificate.ToPem());

    auto r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore + 86400),
                      "-purpose", "sslserver", path});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(Trim(r.out), path + ": OK");

    // The browser's name check, done by openssl on the same file.
    r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore + 86400),
                 "-verify_hostname", "cmsweb.example.com", path});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore + 86400),
                 "-verify_hostname", "meet.example.com", path});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.out.find("error 62 at 0 depth lookup: hostname mismatch"), std::string::npos)
        << r.out;
    EXPECT_TRUE(leaf->certificate.MatchesHost("cmsweb.example.com"));
    EXPECT_FALSE(leaf->certificate.MatchesHost("meet.example.com"));
    EXPECT_TRUE(leaf->certificate.MatchesIp(*IpAddress::Parse("192.0.2.61")));
}

TEST_F(CertificateAuthorityTest, ClientCertificateServesClientAuthOnly) {
    auto profile = ExpresswayE();
    profile.usage = CertificateUsage::Client;
    auto leaf = ca->Issue(profile, rng);
    ASSERT_TRUE(leaf.Ok()) << leaf.Message();
    const std::string path = dir.Write("client.pem", leaf->certificate.ToPem());
    const std::string at = std::to_string(kNotBefore + 86400);

    auto r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", at, "-purpose", "sslclient", path});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", at, "-purpose", "sslserver", path});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.out.find("error 26 at 0 depth lookup: unsuitable certificate purpose"),
              std::string::npos)
        << r.out;

    r = OpenSsl(
        {"x509", "-in", path, "-noout", "-ext", "extendedKeyUsage,keyUsage,basicConstraints"});
    EXPECT_NE(r.out.find("TLS Web Client Authentication"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("TLS Web Server Authentication"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("CA:FALSE"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Digital Signature"), std::string::npos) << r.out;
}

TEST_F(CertificateAuthorityTest, TraversalCertificateServesBothUses) {
    auto profile = ExpresswayE();
    profile.usage = CertificateUsage::ServerAndClient;
    auto leaf = ca->Issue(profile, rng);
    ASSERT_TRUE(leaf.Ok()) << leaf.Message();
    const std::string path = dir.Write("both.pem", leaf->certificate.ToPem());
    const std::string at = std::to_string(kNotBefore + 86400);
    for (const char* purpose : {"sslclient", "sslserver"}) {
        auto r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", at, "-purpose", purpose, path});
        EXPECT_EQ(r.exit_code, 0) << purpose << ": " << r.out;
    }
}

TEST_F(CertificateAuthorityTest, SelfSignedLeafFailsOpensslVerifyAsSelfSigned) {
    auto self = CreateSelfSigned(ExpresswayE(), rng);
    ASSERT_TRUE(self.Ok()) << self.Message();
    EXPECT_TRUE(self->certificate.IsSelfSigned());
    EXPECT_FALSE(self->certificate.IsCa());
    EXPECT_EQ(self->certificate.Subject(), self->certificate.Issuer());
    const std::string path = dir.Write("self.pem", self->certificate.ToPem());

    auto r =
        OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore + 86400), path});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find("error 18 at 0 depth lookup: self-signed certificate"), std::string::npos)
        << r.out;
}

TEST_F(CertificateAuthorityTest, LeafOfAnotherCaFailsWithUnableToGetLocalIssuer) {
    Rng other_rng(99);
    auto other_ca = CertificateAuthority::CreateRoot(LabCa(), other_rng);
    ASSERT_TRUE(other_ca.Ok());
    auto leaf = other_ca->Issue(ExpresswayE(), other_rng);
    ASSERT_TRUE(leaf.Ok());
    const std::string path = dir.Write("foreign.pem", leaf->certificate.ToPem());
    auto r =
        OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore + 86400), path});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.out.find("error 20 at 0 depth lookup: unable to get local issuer certificate"),
              std::string::npos)
        << r.out;
}

TEST_F(CertificateAuthorityTest, ValidityComesFromConfigurationAndVerifyHonoursIt) {
    auto leaf = ca->Issue(ExpresswayE(), rng);
    ASSERT_TRUE(leaf.Ok());
    EXPECT_EQ(leaf->certificate.NotBefore(), kNotBefore);
    EXPECT_EQ(leaf->certificate.NotAfter(), kNotAfter);
    const std::string path = dir.Write("leaf.pem", leaf->certificate.ToPem());

    auto r = OpenSsl({"x509", "-in", path, "-noout", "-dates"});
    EXPECT_EQ(r.out, "notBefore=Jan  1 00:00:00 2017 GMT\nnotAfter=Jan  1 00:00:00 2027 GMT\n");

    r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore - 1), path});
    EXPECT_NE(r.out.find("certificate is not yet valid"), std::string::npos) << r.out;
    r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotAfter + 1), path});
    EXPECT_NE(r.out.find("certificate has expired"), std::string::npos) << r.out;
}

TEST_F(CertificateAuthorityTest, SubjectIssuerSerialAndFingerprintMatchOpenssl) {
    auto leaf = ca->Issue(ExpresswayE(), rng);
    ASSERT_TRUE(leaf.Ok());
    const Certificate& cert = leaf->certificate;
    const std::string path = dir.Write("leaf.pem", cert.ToPem());

    auto r = OpenSsl({"x509", "-in", path, "-noout", "-subject", "-issuer", "-serial",
                      "-fingerprint", "-sha256"});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out, "subject=" + cert.Subject() + "\nissuer=" + cert.Issuer() +
                         "\nserial=" + cert.SerialHex() + "\nsha256 Fingerprint=" +
                         cert.ComputeFingerprint().HexWithColons() + "\n");
    EXPECT_EQ(cert.Subject(), "O = Example, CN = vcse.example.com");
    EXPECT_EQ(cert.Issuer(), "C = US, O = Lab Example, OU = PKI, CN = Lab Example Root CA");
    EXPECT_EQ(cert.SerialHex(), "1001");
    EXPECT_EQ(cert.CommonName(), "vcse.example.com");
    EXPECT_EQ(cert.ComputeFingerprint().digest.size(), 32u);
}

TEST_F(CertificateAuthorityTest, PemAndDerExportsAreWhatOpensslReads) {
    auto leaf = ca->Issue(ExpresswayE(), rng);
    ASSERT_TRUE(leaf.Ok());
    const std::string cert_pem = dir.Write("leaf.pem", leaf->certificate.ToPem());
    const std::string key_pem = dir.Write("leaf.key", leaf->key.ToPem());

    // The key belongs to the certificate.
    auto pub_from_cert = OpenSsl({"x509", "-in", cert_pem, "-noout", "-pubkey"});
    auto pub_from_key = OpenSsl({"pkey", "-in", key_pem, "-pubout"});
    ASSERT_EQ(pub_from_key.exit_code, 0) << pub_from_key.out;
    EXPECT_EQ(pub_from_cert.out, pub_from_key.out);

    // DER written by openssl from our PEM is our DER.
    const std::string der_path = dir.File("leaf.der");
    auto r = OpenSsl({"x509", "-in", cert_pem, "-outform", "DER", "-out", der_path});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::string der = testkit::ReadFile(der_path);
    EXPECT_EQ(Bytes(der.begin(), der.end()), leaf->certificate.ToDer());
    const std::string key_der_path = dir.File("leaf.key.der");
    r = OpenSsl(
        {"pkcs8", "-topk8", "-nocrypt", "-in", key_pem, "-outform", "DER", "-out", key_der_path});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::string key_der = testkit::ReadFile(key_der_path);
    EXPECT_EQ(Bytes(key_der.begin(), key_der.end()), leaf->key.ToDer());

    // And both read back.
    auto again = Certificate::FromDer(leaf->certificate.ToDer());
    ASSERT_TRUE(again.Ok());
    EXPECT_EQ(*again, leaf->certificate);
    auto key_again = PrivateKey::FromDer(leaf->key.ToDer());
    ASSERT_TRUE(key_again.Ok());
    EXPECT_EQ(key_again->ToDer(), leaf->key.ToDer());
    auto key_from_pem = PrivateKey::FromPem(leaf->key.ToPem());
    ASSERT_TRUE(key_from_pem.Ok());
    EXPECT_EQ(key_from_pem->PublicKeyDer(), leaf->key.PublicKeyDer());
}

TEST_F(CertificateAuthorityTest, RsaKeysAreIssuedOnRequest) {
    auto profile = ExpresswayE();
    profile.key_type = KeyType::Rsa2048;
    auto leaf = ca->Issue(profile, rng);
    ASSERT_TRUE(leaf.Ok()) << leaf.Message();
    EXPECT_EQ(leaf->key.Type(), KeyType::Rsa2048);
    const std::string path = dir.Write("rsa.pem", leaf->certificate.ToPem());
    auto r = OpenSsl({"x509", "-in", path, "-noout", "-text"});
    EXPECT_NE(r.out.find("Public-Key: (2048 bit)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Key Encipherment"), std::string::npos) << r.out;
    r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore + 86400), path});
    EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(CertificateAuthorityTest, IntermediateCaChainVerifies) {
    CaProfile inter_profile = LabCa();
    inter_profile.subject.common_name = "Lab Example Issuing CA";
    auto inter = ca->IssueIntermediate(inter_profile, rng);
    ASSERT_TRUE(inter.Ok()) << inter.Message();
    auto leaf = inter->Issue(ExpresswayE(), rng);
    ASSERT_TRUE(leaf.Ok()) << leaf.Message();
    ASSERT_EQ(leaf->chain.size(), 1u);
    EXPECT_EQ(leaf->chain[0], inter->Cert());
    EXPECT_EQ(leaf->certificate.Issuer(), inter->Cert().Subject());

    const std::string path = dir.Write("leaf.pem", leaf->certificate.ToPem());
    const std::string untrusted = dir.Write("chain.pem", ToPem(leaf->chain));
    auto r = OpenSsl({"verify", "-CAfile", ca_pem, "-untrusted", untrusted, "-attime",
                      std::to_string(kNotBefore + 86400), path});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    r = OpenSsl({"verify", "-CAfile", ca_pem, "-attime", std::to_string(kNotBefore + 86400), path});
    EXPECT_NE(r.exit_code, 0) << r.out;
}

TEST_F(CertificateAuthorityTest, ExistingCaIsAcceptedOnlyWithItsKey) {
    EXPECT_TRUE(CertificateAuthority::FromExisting(ca->Cert(), ca->Key()).Ok());
    auto other = PrivateKey::Generate(KeyType::EcdsaP256, rng);
    ASSERT_TRUE(other.Ok());
    EXPECT_FALSE(CertificateAuthority::FromExisting(ca->Cert(), *other).Ok());
    auto leaf = ca->Issue(ExpresswayE(), rng);
    ASSERT_TRUE(leaf.Ok());
    EXPECT_FALSE(CertificateAuthority::FromExisting(leaf->certificate, leaf->key).Ok());
}

TEST_F(CertificateAuthorityTest, BadProfilesAreRefusedWithAReason) {
    auto profile = ExpresswayE();
    profile.not_after = profile.not_before;
    auto r = ca->Issue(profile, rng);
    ASSERT_FALSE(r.Ok());
    EXPECT_NE(r.Message().find("not_after"), std::string::npos);

    profile = ExpresswayE();
    profile.dns_names.push_back("bad name,DNS:evil.example");
    r = ca->Issue(profile, rng);
    ASSERT_FALSE(r.Ok());
    EXPECT_NE(r.Message().find("invalid DNS name"), std::string::npos);

    profile = ExpresswayE();
    profile.subject = {};
    r = ca->Issue(profile, rng);
    ASSERT_FALSE(r.Ok());
    EXPECT_NE(r.Message().find("subject"), std::string::npos);
}
