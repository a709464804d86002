#include "pki/certificate_authority.h"

#include <openssl/x509v3.h>

#include "pki/deterministic_random.h"
#include "pki/openssl_error.h"
#include "pki/openssl_ptr.h"

namespace cmslab::pki {

namespace {

struct Spec {
    const DistinguishedName* subject = nullptr;
    const std::vector<std::string>* dns_names = nullptr;
    const std::vector<IpAddress>* ip_addresses = nullptr;
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    Bytes serial;
    bool ca = false;
    CertificateUsage usage = CertificateUsage::Server;
    EVP_PKEY* subject_key = nullptr;
    X509* issuer_cert = nullptr; // nullptr: self-signed
    EVP_PKEY* issuer_key = nullptr;
};

bool ValidDnsName(const std::string& name) {
    if (name.empty() || name.size() > 253)
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '*' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

bool AddEntry(X509_NAME* name, const char* field, const std::string& value) {
    if (value.empty())
        return true;
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
}

Expected<OpenSslPtr<X509_NAME>> BuildName(const DistinguishedName& dn) {
    OpenSslPtr<X509_NAME> name(X509_NAME_new());
    if (!AddEntry(name.get(), "C", dn.country) || !AddEntry(name.get(), "ST", dn.state) ||
        !AddEntry(name.get(), "L", dn.locality) || !AddEntry(name.get(), "O", dn.organization) ||
        !AddEntry(name.get(), "OU", dn.organizational_unit) ||
        !AddEntry(name.get(), "CN", dn.common_name))
        return OpenSslError("invalid subject name field");
    if (X509_NAME_entry_count(name.get()) == 0)
        return Error{"the subject name is empty"};
    return name;
}

bool AddConfExtension(X509* cert, X509V3_CTX* v3, int nid, const char* value) {
    OpenSslPtr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, v3, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool AddSubjectAltNames(X509* cert, const std::vector<std::string>& dns_names,
                        const std::vector<IpAddress>& ips) {
    OpenSslPtr<GENERAL_NAMES> names(sk_GENERAL_NAME_new_null());
    for (const auto& dns : dns_names) {
        GENERAL_NAME* gen = GENERAL_NAME_new();
        ASN1_IA5STRING* text = ASN1_IA5STRING_new();
        ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size()));
        GENERAL_NAME_set0_value(gen, GEN_DNS, text);
        sk_GENERAL_NAME_push(names.get(), gen);
    }
    for (const auto& ip : ips) {
        GENERAL_NAME* gen = GENERAL_NAME_new();
        ASN1_OCTET_STRING* octets = ASN1_OCTET_STRING_new();
        ASN1_OCTET_STRING_set(octets, ip.bytes.data(), static_cast<int>(ip.Length()));
        GENERAL_NAME_set0_value(gen, GEN_IPADD, octets);
        sk_GENERAL_NAME_push(names.get(), gen);
    }
    return X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

Bytes SerialFor(const Bytes& configured, Rng& rng) {
    if (!configured.empty())
        return configured;
    // 16 random bytes as CAs use; kept positive and of fixed length.
    Bytes serial(16);
    rng.Fill(serial.data(), serial.size());
    serial[0] = static_cast<std::uint8_t>((serial[0] & 0x7f) | 0x40);
    return serial;
}

Expected<Certificate> Build(const Spec& spec) {
    if (spec.not_after <= spec.not_before)
        return Error{"not_after must be later than not_before"};
    for (const auto& dns : *spec.dns_names)
        if (!ValidDnsName(dns))
            return Error{"invalid DNS name for the SAN: \"" + dns + "\""};
    auto subject = BuildName(*spec.subject);
    if (!subject)
        return subject.Err();

    OpenSslPtr<X509> cert(X509_new());
    X509* x = cert.get();
    OpenSslPtr<BIGNUM> serial_bn(
        BN_bin2bn(spec.serial.data(), static_cast<int>(spec.serial.size()), nullptr));
    OpenSslPtr<ASN1_INTEGER> serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
    const X509_NAME* issuer_name =
        spec.issuer_cert != nullptr ? X509_get_subject_name(spec.issuer_cert) : subject->get();
    if (!X509_set_version(x, X509_VERSION_3) || !serial ||
        !X509_set_serialNumber(x, serial.get()) || !X509_set_subject_name(x, subject->get()) ||
        !X509_set_issuer_name(x, issuer_name) ||
        !ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(spec.not_before)) ||
        !ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(spec.not_after)) ||
        !X509_set_pubkey(x, spec.subject_key))
        return OpenSslError("cannot fill the certificate");

    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, spec.issuer_cert != nullptr ? spec.issuer_cert : x, x, nullptr, nullptr, 0);
    const bool rsa = EVP_PKEY_get_base_id(spec.subject_key) == EVP_PKEY_RSA;
    const char* key_usage = spec.ca ? "critical,keyCertSign,cRLSign"
                            : rsa   ? "critical,digitalSignature,keyEncipherment"
                                    : "critical,digitalSignature";
    bool ok = AddConfExtension(x, &v3, NID_basic_constraints,
                               spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
              AddConfExtension(x, &v3, NID_key_usage, key_usage);
    if (ok && !spec.ca) {
        const char* eku = spec.usage == CertificateUsage::Server   ? "serverAuth"
                          : spec.usage == CertificateUsage::Client ? "clientAuth"
                                                                   : "serverAuth,clientAuth";
        ok = AddConfExtension(x, &v3, NID_ext_key_usage, eku);
    }
    // The subject key identifier first: the authority key identifier of a self-signed
    // certificate is taken from it.
    ok = ok && AddConfExtension(x, &v3, NID_subject_key_identifier, "hash") &&
         AddConfExtension(x, &v3, NID_authority_key_identifier, "keyid:always");
    if (ok && (!spec.dns_names->empty() || !spec.ip_addresses->empty()))
        ok = AddSubjectAltNames(x, *spec.dns_names, *spec.ip_addresses);
    if (!ok)
        return OpenSslError("cannot add the certificate extensions");
    if (X509_sign(x, spec.issuer_key, EVP_sha256()) <= 0)
        return OpenSslError("cannot sign the certificate");
    return Certificate::Adopt(x);
}

const std::vector<std::string> kNoNames;
const std::vector<IpAddress> kNoIps;

// A CA certificate for `subject_key`, as `profile` describes it; the caller names the
// issuer. Draws the serial from `rng` when the profile has none.
Spec CaSpec(const CaProfile& profile, EVP_PKEY* subject_key, Rng& rng) {
    Spec spec;
    spec.subject = &profile.subject;
    spec.dns_names = &kNoNames;
    spec.ip_addresses = &kNoIps;
    spec.not_before = profile.not_before;
    spec.not_after = profile.not_after;
    spec.serial = SerialFor(profile.serial, rng);
    spec.ca = true;
    spec.subject_key = subject_key;
    return spec;
}

// An end-entity certificate for `subject_key`, as `profile` describes it.
Spec LeafSpec(const CertificateProfile& profile, EVP_PKEY* subject_key, Rng& rng) {
    Spec spec;
    spec.subject = &profile.subject;
    spec.dns_names = &profile.dns_names;
    spec.ip_addresses = &profile.ip_addresses;
    spec.not_before = profile.not_before;
    spec.not_after = profile.not_after;
    spec.serial = SerialFor(profile.serial, rng);
    spec.usage = profile.usage;
    spec.subject_key = subject_key;
    return spec;
}

// OpenSSL draws the signature's randomness (ECDSA nonces) from `rng` meanwhile.
Expected<Certificate> BuildWith(const Spec& spec, Rng& rng) {
    RandomScope scope(rng);
    return Build(spec);
}

// A new key and a certificate it signs itself; `make_spec` describes the certificate for
// the key (drawing from `rng` after the key, so that a seed gives the same bytes).
template <typename MakeSpec>
Expected<Identity> SelfSigned(KeyType key_type, Rng& rng, MakeSpec make_spec) {
    auto key = PrivateKey::Generate(key_type, rng);
    if (!key)
        return key.Err();
    Spec spec = make_spec(key->Native());
    spec.issuer_key = key->Native();
    auto cert = BuildWith(spec, rng);
    if (!cert)
        return cert.Err();
    return Identity{*cert, *key, {}};
}

} // namespace

Expected<CertificateAuthority> CertificateAuthority::CreateRoot(const CaProfile& profile,
                                                                Rng& rng) {
    auto root =
        SelfSigned(profile.key_type, rng, [&](EVP_PKEY* key) { return CaSpec(profile, key, rng); });
    if (!root)
        return root.Err();
    return CertificateAuthority(std::move(root->certificate), std::move(root->key), {});
}

Expected<CertificateAuthority> CertificateAuthority::FromExisting(Certificate certificate,
                                                                  PrivateKey key,
                                                                  std::vector<Certificate> chain) {
    if (!certificate.IsCa())
        return Error{"the certificate is not a CA: " + certificate.Subject()};
    if (X509_check_private_key(certificate.Native(), key.Native()) != 1) {
        DrainOpenSslErrors();
        return Error{"the key does not match the CA certificate"};
    }
    return CertificateAuthority(std::move(certificate), std::move(key), std::move(chain));
}

Expected<CertificateAuthority> CertificateAuthority::IssueIntermediate(const CaProfile& profile,
                                                                       Rng& rng) const {
    auto key = PrivateKey::Generate(profile.key_type, rng);
    if (!key)
        return key.Err();
    Spec spec = CaSpec(profile, key->Native(), rng);
    spec.issuer_cert = m_cert.Native();
    spec.issuer_key = m_key.Native();
    auto cert = BuildWith(spec, rng);
    if (!cert)
        return cert.Err();
    std::vector<Certificate> chain{*cert};
    chain.insert(chain.end(), m_chain.begin(), m_chain.end());
    return CertificateAuthority(*cert, *key, std::move(chain));
}

Expected<Certificate> CertificateAuthority::Sign(const CertificateProfile& profile,
                                                 const PrivateKey& subject_key, Rng& rng) const {
    Spec spec = LeafSpec(profile, subject_key.Native(), rng);
    spec.issuer_cert = m_cert.Native();
    spec.issuer_key = m_key.Native();
    return BuildWith(spec, rng);
}

Expected<Identity> CertificateAuthority::Issue(const CertificateProfile& profile, Rng& rng) const {
    auto key = PrivateKey::Generate(profile.key_type, rng);
    if (!key)
        return key.Err();
    auto cert = Sign(profile, *key, rng);
    if (!cert)
        return cert.Err();
    return Identity{*cert, *key, m_chain};
}

Expected<Identity> CreateSelfSigned(const CertificateProfile& profile, Rng& rng) {
    return SelfSigned(profile.key_type, rng,
                      [&](EVP_PKEY* key) { return LeafSpec(profile, key, rng); });
}

} // namespace cmslab::pki
