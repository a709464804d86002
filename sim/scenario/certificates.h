// The lab's PKI as a scenario describes it: authorities, and the certificates the boxes
// hold, each with its subject, SAN list and issuer. The pki model turns these into keys
// and X.509 certificates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmslab::scenario {

inline constexpr const char* kSelfSigned = "self-signed";

struct CertificateAuthority {
    std::string name;            // referenced by issuers and trust lists
    std::string subject;         // distinguished name, "CN=...,O=..."
    std::int64_t not_before = 0; // Unix seconds
    std::int64_t not_after = 0;
};

struct CertificateSpec {
    std::string name; // referenced by box configurations and trust lists
    std::string node; // the box holding the key
    std::string subject;
    std::vector<std::string> subject_alt_names; // DNS names
    std::string issuer;                         // a CertificateAuthority::name, or kSelfSigned
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;

    bool SelfSigned() const { return issuer == kSelfSigned; }
};

struct Pki {
    std::vector<CertificateAuthority> authorities;
    std::vector<CertificateSpec> certificates; // "issued" in the file

    const CertificateAuthority* FindAuthority(const std::string& name) const;
    const CertificateSpec* FindCertificate(const std::string& name) const;
};

} // namespace cmslab::scenario
