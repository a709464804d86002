// The scenario's certificates made real: each authority of `certificates.authorities`
// becomes a root CA and each entry of `certificates.issued` a key pair and certificate
// (its subject, SAN list, validity and issuer as written), all from the run's seed, so
// the same seed gives byte-identical certificates in every run and to every box.
//
// Each authority and certificate draws from its own stream, Rng(seed).Fork("pki:ca:" +
// name) / Fork("pki:cert:" + name): any part of the harness that issues the same
// scenario with the same seed gets the same keys.
#pragma once

#include "common/expected.h"
#include "pki/certificate_authority.h"
#include "pki/identity.h"
#include "scenario/certificates.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::network {

// "CN=vcse.example.com,O=Example" -> fields (C, ST, L, O, OU, CN; others ignored).
pki::DistinguishedName ParseSubject(const std::string& text);

class ScenarioPki {
  public:
    static Expected<ScenarioPki> Issue(const scenario::Pki& spec, std::uint64_t seed);

    // The identity of an issued certificate; null for an unknown name.
    const pki::Identity* Identity(const std::string& certificate_name) const;
    // What a box's certificate setting names: none for an empty name (the box has no
    // certificate), the identity for an issued one, an error for a name not issued.
    Expected<std::optional<pki::Identity>> Configured(const std::string& certificate_name) const;
    // What a trust list (authority or certificate names) means to a TLS endpoint: the
    // authorities' certificates and the named certificates themselves. Unknown names
    // are skipped.
    std::vector<pki::Certificate> TrustAnchors(const std::vector<std::string>& names) const;

  private:
    std::map<std::string, pki::CertificateAuthority> m_authorities;
    std::map<std::string, pki::Identity> m_identities;
};

} // namespace cmslab::network
