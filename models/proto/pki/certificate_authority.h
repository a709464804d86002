// The lab's certificate authority: a self-signed root (or an intermediate below it) that
// issues the boxes' server and client certificates, and self-signed leaves (WebRTC DTLS
// certificates, or a box whose admin never installed a CA-signed one). Every field comes
// from configuration; keys, signatures and default serials from the Rng handed in.
#pragma once

#include <string>
#include <vector>

#include "common/address.h"
#include "common/expected.h"
#include "common/rng.h"
#include "pki/distinguished_name.h"
#include "pki/identity.h"
#include "pki/unix_time.h"

namespace cmslab::pki {

// Key usage and extended key usage as browsers and the products expect them.
enum class CertificateUsage {
    Server,          // EKU serverAuth (web servers, the Expressway-E, the web bridge)
    Client,          // EKU clientAuth
    ServerAndClient, // both (a traversal zone's certificate: client on the C, server on the E)
};

struct CertificateProfile {
    DistinguishedName subject;
    std::vector<std::string> dns_names;  // SAN dNSName entries, in this order
    std::vector<IpAddress> ip_addresses; // SAN iPAddress entries, after the DNS names
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    Bytes serial; // big-endian; empty: 16 bytes from the Rng
    KeyType key_type = KeyType::EcdsaP256;
    CertificateUsage usage = CertificateUsage::Server;
};

struct CaProfile {
    DistinguishedName subject;
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    Bytes serial; // empty: 16 bytes from the Rng
    KeyType key_type = KeyType::EcdsaP256;
};

class CertificateAuthority {
  public:
    // A self-signed root.
    static Expected<CertificateAuthority> CreateRoot(const CaProfile& profile, Rng& rng);
    // An existing CA (its certificate must be a CA and match the key).
    static Expected<CertificateAuthority> FromExisting(Certificate certificate, PrivateKey key,
                                                       std::vector<Certificate> chain = {});

    // An intermediate CA signed by this one.
    Expected<CertificateAuthority> IssueIntermediate(const CaProfile& profile, Rng& rng) const;
    // A new key pair and its certificate; the identity's chain is Chain().
    Expected<Identity> Issue(const CertificateProfile& profile, Rng& rng) const;
    // A certificate for a key made elsewhere.
    Expected<Certificate> Sign(const CertificateProfile& profile, const PrivateKey& subject_key,
                               Rng& rng) const;

    const Certificate& Cert() const { return m_cert; }
    const PrivateKey& Key() const { return m_key; }
    // What a leaf issued by this CA sends after itself: this CA and the intermediates
    // above it, nearest first, without the root; empty for a root.
    const std::vector<Certificate>& Chain() const { return m_chain; }

  private:
    CertificateAuthority(Certificate cert, PrivateKey key, std::vector<Certificate> chain)
        : m_cert(std::move(cert)), m_key(std::move(key)), m_chain(std::move(chain)) {}

    Certificate m_cert;
    PrivateKey m_key;
    std::vector<Certificate> m_chain;
};

// A self-signed leaf certificate (CA:FALSE) with a new key.
Expected<Identity> CreateSelfSigned(const CertificateProfile& profile, Rng& rng);

} // namespace cmslab::pki
