// An X.509 certificate: parsing, export (PEM for `openssl verify` and Wireshark, DER for
// byte comparison) and the fields the lab reports (subject, issuer, SAN list,
// fingerprint).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/x509.h>

#include "common/address.h"
#include "common/bytes.h"
#include "common/expected.h"
#include "pki/fingerprint.h"
#include "pki/unix_time.h"

namespace cmslab::pki {

struct SubjectAltName {
    enum class Kind { Dns, Ip, Email, Uri, Other };
    Kind kind = Kind::Other;
    std::string value; // the name, the address as text, or "<unsupported>"

    // "DNS:vcse.example.com", "IP Address:192.0.2.1": as `openssl x509 -ext` prints it.
    std::string ToString() const;
    bool operator==(const SubjectAltName& o) const { return kind == o.kind && value == o.value; }
};

// Immutable; copies share the same OpenSSL object. A default-constructed Certificate is
// empty (so configuration structs can hold one): its accessors return empty values.
class Certificate {
  public:
    Certificate() = default;
    bool Empty() const { return !m_cert; }

    static Expected<Certificate> FromDer(ByteView der);
    // The first certificate of a PEM text.
    static Expected<Certificate> FromPem(std::string_view pem);
    // Every certificate of a PEM text, in order (a chain file); an error if none.
    static Expected<std::vector<Certificate>> ChainFromPem(std::string_view pem);
    // Takes one reference of `cert`.
    static Certificate Adopt(X509* cert);

    Bytes ToDer() const;
    std::string ToPem() const;

    // "C = US, O = Lab, CN = host": the form `openssl x509 -noout -subject` prints.
    std::string Subject() const;
    std::string Issuer() const;
    std::string CommonName() const; // the last CN of the subject, "" if none
    std::string SerialHex() const;  // upper-case hex, as `openssl x509 -serial`
    UnixTime NotBefore() const;
    UnixTime NotAfter() const;

    std::vector<SubjectAltName> SubjectAltNames() const;
    std::vector<std::string> DnsNames() const;
    std::vector<IpAddress> IpAddresses() const;
    // "DNS:a, DNS:b, IP Address:1.2.3.4", as `openssl x509 -noout -ext subjectAltName`;
    // "" without the extension.
    std::string SanText() const;

    bool IsCa() const;         // basicConstraints CA:TRUE
    bool IsSelfSigned() const; // issuer == subject and its own key verifies the signature
    // OpenSSL's host name check (SAN DNS names, wildcards; CN only without DNS SANs), the
    // same one TLS verification uses.
    bool MatchesHost(std::string_view name) const;
    bool MatchesIp(const IpAddress& address) const;

    Fingerprint ComputeFingerprint(std::string_view algorithm = "sha-256") const;

    X509* Native() const { return m_cert.get(); }

    bool operator==(const Certificate& o) const;
    bool operator!=(const Certificate& o) const { return !(*this == o); }

  private:
    explicit Certificate(std::shared_ptr<X509> cert) : m_cert(std::move(cert)) {}
    std::shared_ptr<X509> m_cert;
};

// PEM texts of several certificates, concatenated (a CA bundle or a chain file).
std::string ToPem(const std::vector<Certificate>& certificates);

} // namespace cmslab::pki
