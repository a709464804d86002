#include "pki/certificate.h"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki/openssl_error.h"
#include "pki/openssl_ptr.h"

namespace cmslab::pki {

namespace {

std::shared_ptr<X509> Share(X509* cert) {
    return std::shared_ptr<X509>(cert, [](X509* p) { X509_free(p); });
}

// The `openssl x509` default name format in OpenSSL 3.0 ("oneline" with UTF-8 kept).
std::string NameText(const X509_NAME* name) {
    OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
    const unsigned long flags = XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB;
    X509_NAME_print_ex(bio.get(), name, 0, flags);
    return BioText(bio.get());
}

UnixTime AsnTime(const ASN1_TIME* t) {
    // Differences from the epoch need no clock: ASN1_TIME_diff of two fixed times.
    OpenSslPtr<ASN1_TIME> epoch(ASN1_TIME_set(nullptr, 0));
    int days = 0, seconds = 0;
    if (!epoch || !ASN1_TIME_diff(&days, &seconds, epoch.get(), t))
        return 0;
    return static_cast<UnixTime>(days) * 86400 + seconds;
}

std::string IpText(const ASN1_OCTET_STRING* ip) {
    const int n = ASN1_STRING_length(ip);
    const unsigned char* p = ASN1_STRING_get0_data(ip);
    IpAddress a;
    if (n == 4) {
        a = IpAddress::V4(p[0], p[1], p[2], p[3]);
    } else if (n == 16) {
        a.family = IpAddress::Family::V6;
        std::copy(p, p + 16, a.bytes.begin());
    } else {
        return "<invalid>";
    }
    return a.ToString();
}

std::string Ia5Text(const ASN1_IA5STRING* s) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

} // namespace

std::string SubjectAltName::ToString() const {
    switch (kind) {
    case Kind::Dns:
        return "DNS:" + value;
    case Kind::Ip:
        return "IP Address:" + value;
    case Kind::Email:
        return "email:" + value;
    case Kind::Uri:
        return "URI:" + value;
    case Kind::Other:
        break;
    }
    return "othername:" + value;
}

Expected<Certificate> Certificate::FromDer(ByteView der) {
    const unsigned char* p = der.data;
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size));
    if (cert == nullptr)
        return OpenSslError("not a DER certificate");
    if (p != der.data + der.size) {
        X509_free(cert);
        DrainOpenSslErrors();
        return Error{"trailing bytes after the DER certificate"};
    }
    return Certificate(Share(cert));
}

Expected<Certificate> Certificate::FromPem(std::string_view pem) {
    OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr)
        return OpenSslError("not a PEM certificate");
    return Certificate(Share(cert));
}

Expected<std::vector<Certificate>> Certificate::ChainFromPem(std::string_view pem) {
    OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::vector<Certificate> out;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        out.push_back(Certificate(Share(cert)));
    DrainOpenSslErrors(); // the read past the last one always fails
    if (out.empty())
        return Error{"no PEM certificate found"};
    return out;
}

Certificate Certificate::Adopt(X509* cert) {
    X509_up_ref(cert);
    return Certificate(Share(cert));
}

Bytes Certificate::ToDer() const {
    if (Empty())
        return {};
    unsigned char* out = nullptr;
    const int n = i2d_X509(m_cert.get(), &out);
    if (n <= 0)
        return {};
    Bytes der(out, out + n);
    OPENSSL_free(out);
    return der;
}

std::string Certificate::ToPem() const {
    if (Empty())
        return {};
    OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), m_cert.get());
    return BioText(bio.get());
}

std::string Certificate::Subject() const {
    return NameText(X509_get_subject_name(m_cert.get()));
}

std::string Certificate::Issuer() const {
    return NameText(X509_get_issuer_name(m_cert.get()));
}

std::string Certificate::CommonName() const {
    if (Empty())
        return {};
    const X509_NAME* name = X509_get_subject_name(m_cert.get());
    int last = -1, i = -1;
    while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
        last = i;
    if (last < 0)
        return {};
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0)
        return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

std::string Certificate::SerialHex() const {
    if (Empty())
        return {};
    OpenSslPtr<BIGNUM> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(m_cert.get()), nullptr));
    if (!bn)
        return {};
    char* hex = BN_bn2hex(bn.get());
    std::string out = hex != nullptr ? hex : "";
    OPENSSL_free(hex);
    return out;
}

UnixTime Certificate::NotBefore() const {
    return AsnTime(X509_get0_notBefore(m_cert.get()));
}

UnixTime Certificate::NotAfter() const {
    return AsnTime(X509_get0_notAfter(m_cert.get()));
}

std::vector<SubjectAltName> Certificate::SubjectAltNames() const {
    if (Empty())
        return {};
    std::vector<SubjectAltName> out;
    OpenSslPtr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(m_cert.get(), NID_subject_alt_name, nullptr, nullptr)));
    if (!names)
        return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names.get(), i);
        SubjectAltName san;
        switch (gen->type) {
        case GEN_DNS:
            san = {SubjectAltName::Kind::Dns, Ia5Text(gen->d.dNSName)};
            break;
        case GEN_IPADD:
            san = {SubjectAltName::Kind::Ip, IpText(gen->d.iPAddress)};
            break;
        case GEN_EMAIL:
            san = {SubjectAltName::Kind::Email, Ia5Text(gen->d.rfc822Name)};
            break;
        case GEN_URI:
            san = {SubjectAltName::Kind::Uri, Ia5Text(gen->d.uniformResourceIdentifier)};
            break;
        default:
            san = {SubjectAltName::Kind::Other, "<unsupported>"};
            break;
        }
        out.push_back(std::move(san));
    }
    return out;
}

std::vector<std::string> Certificate::DnsNames() const {
    std::vector<std::string> out;
    for (const auto& san : SubjectAltNames())
        if (san.kind == SubjectAltName::Kind::Dns)
            out.push_back(san.value);
    return out;
}

std::vector<IpAddress> Certificate::IpAddresses() const {
    std::vector<IpAddress> out;
    for (const auto& san : SubjectAltNames())
        if (san.kind == SubjectAltName::Kind::Ip)
            if (auto a = IpAddress::Parse(san.value))
                out.push_back(*a);
    return out;
}

std::string Certificate::SanText() const {
    std::string out;
    for (const auto& san : SubjectAltNames()) {
        if (!out.empty())
            out += ", ";
        out += san.ToString();
    }
    return out;
}

bool Certificate::IsCa() const {
    return X509_check_ca(m_cert.get()) > 0;
}

bool Certificate::IsSelfSigned() const {
    return X509_self_signed(m_cert.get(), 1) == 1;
}

bool Certificate::MatchesHost(std::string_view name) const {
    return !Empty() && X509_check_host(m_cert.get(), name.data(), name.size(), 0, nullptr) == 1;
}

bool Certificate::MatchesIp(const IpAddress& address) const {
    return !Empty() && X509_check_ip(m_cert.get(), address.bytes.data(), address.Length(), 0) == 1;
}

Fingerprint Certificate::ComputeFingerprint(std::string_view algorithm) const {
    Fingerprint f;
    f.algorithm = std::string(algorithm);
    const EVP_MD* md = nullptr;
    if (algorithm == "sha-1")
        md = EVP_sha1();
    else if (algorithm == "sha-224")
        md = EVP_sha224();
    else if (algorithm == "sha-256")
        md = EVP_sha256();
    else if (algorithm == "sha-384")
        md = EVP_sha384();
    else if (algorithm == "sha-512")
        md = EVP_sha512();
    if (md == nullptr || Empty())
        return f;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(m_cert.get(), md, digest, &n))
        f.digest.assign(digest, digest + n);
    return f;
}

bool Certificate::operator==(const Certificate& o) const {
    if (m_cert == o.m_cert)
        return true;
    return !Empty() && !o.Empty() && X509_cmp(m_cert.get(), o.m_cert.get()) == 0;
}

std::string ToPem(const std::vector<Certificate>& certificates) {
    std::string out;
    for (const auto& c : certificates)
        out += c.ToPem();
    return out;
}

} // namespace cmslab::pki
