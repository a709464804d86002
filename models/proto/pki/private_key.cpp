#include "pki/private_key.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/deterministic_random.h"
#include "pki/openssl_error.h"
#include "pki/openssl_ptr.h"

namespace cmslab::pki {

namespace {

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) {
    return std::shared_ptr<EVP_PKEY>(key, [](EVP_PKEY* p) { EVP_PKEY_free(p); });
}

} // namespace

std::string_view KeyTypeName(KeyType type) {
    switch (type) {
    case KeyType::EcdsaP256:
        return "ECDSA P-256";
    case KeyType::Rsa2048:
        return "RSA 2048";
    }
    return "?";
}

Expected<PrivateKey> PrivateKey::Generate(KeyType type, Rng& rng) {
    RandomScope scope(rng);
    EVP_PKEY* key = nullptr;
    switch (type) {
    case KeyType::EcdsaP256:
        key = EVP_EC_gen("P-256");
        break;
    case KeyType::Rsa2048:
        key = EVP_RSA_gen(2048);
        break;
    }
    if (key == nullptr)
        return OpenSslError("key generation failed");
    return PrivateKey(Share(key));
}

Expected<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
    OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr)
        return OpenSslError("not a PEM private key");
    return PrivateKey(Share(key));
}

Expected<PrivateKey> PrivateKey::FromDer(ByteView der) {
    // The PKCS#8 envelope first: a plain ASN.1 parse, about a thousand times cheaper than
    // OpenSSL 3.0's generic key decoders, so garbage is turned away quickly.
    const unsigned char* p = der.data;
    OpenSslPtr<PKCS8_PRIV_KEY_INFO> info(
        d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size)));
    if (!info)
        return OpenSslError("not a DER PKCS#8 private key");
    if (p != der.data + der.size) {
        DrainOpenSslErrors();
        return Error{"trailing bytes after the DER private key"};
    }
    EVP_PKEY* key = EVP_PKCS82PKEY(info.get());
    if (key == nullptr)
        return OpenSslError("unreadable private key");
    return PrivateKey(Share(key));
}

PrivateKey PrivateKey::Adopt(EVP_PKEY* key) {
    EVP_PKEY_up_ref(key);
    return PrivateKey(Share(key));
}

KeyType PrivateKey::Type() const {
    if (Empty())
        return KeyType::EcdsaP256;
    return EVP_PKEY_get_base_id(m_key.get()) == EVP_PKEY_RSA ? KeyType::Rsa2048
                                                             : KeyType::EcdsaP256;
}

Bytes PrivateKey::ToDer() const {
    if (Empty())
        return {};
    OpenSslPtr<PKCS8_PRIV_KEY_INFO> info(EVP_PKEY2PKCS8(m_key.get()));
    if (!info)
        return {};
    unsigned char* out = nullptr;
    const int n = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out);
    if (n <= 0)
        return {};
    Bytes der(out, out + n);
    OPENSSL_free(out);
    return der;
}

std::string PrivateKey::ToPem() const {
    if (Empty())
        return {};
    OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PKCS8PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr))
        return {};
    return BioText(bio.get());
}

Bytes PrivateKey::PublicKeyDer() const {
    if (Empty())
        return {};
    unsigned char* out = nullptr;
    const int n = i2d_PUBKEY(m_key.get(), &out);
    if (n <= 0)
        return {};
    Bytes der(out, out + n);
    OPENSSL_free(out);
    return der;
}

} // namespace cmslab::pki
