// Key pairs for the lab's certificates, generated from a cmslab::Rng.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "common/bytes.h"
#include "common/expected.h"
#include "common/rng.h"

namespace cmslab::pki {

enum class KeyType {
    EcdsaP256, // fast; what the lab uses unless a scenario asks for RSA
    Rsa2048,
};

std::string_view KeyTypeName(KeyType type); // "ECDSA P-256", "RSA 2048"

// An immutable key pair; copies share the same OpenSSL object. A default-constructed key
// is empty: its exports return nothing.
class PrivateKey {
  public:
    PrivateKey() = default;
    bool Empty() const { return !m_key; }

    // Draws only from `rng`: the same stream gives the same key.
    static Expected<PrivateKey> Generate(KeyType type, Rng& rng);
    // PKCS#8 or traditional ("EC PRIVATE KEY", "RSA PRIVATE KEY"), unencrypted.
    static Expected<PrivateKey> FromPem(std::string_view pem);
    // PKCS#8 PrivateKeyInfo, unencrypted.
    static Expected<PrivateKey> FromDer(ByteView der);
    // Takes one reference of `key`.
    static PrivateKey Adopt(EVP_PKEY* key);

    KeyType Type() const;
    Bytes ToDer() const;        // PKCS#8 PrivateKeyInfo, unencrypted
    std::string ToPem() const;  // "-----BEGIN PRIVATE KEY-----"
    Bytes PublicKeyDer() const; // SubjectPublicKeyInfo

    EVP_PKEY* Native() const { return m_key.get(); }

  private:
    explicit PrivateKey(std::shared_ptr<EVP_PKEY> key) : m_key(std::move(key)) {}
    std::shared_ptr<EVP_PKEY> m_key;
};

} // namespace cmslab::pki
