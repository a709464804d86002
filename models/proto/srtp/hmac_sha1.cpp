#include "srtp/hmac_sha1.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstring>

namespace cmslab::srtp {

void HmacSha1::CtxDeleter::operator()(void* ctx) const {
    EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(ctx));
}

HmacSha1::HmacSha1(ByteView key) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac)
        return;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac); // the context keeps its own reference
    if (!ctx)
        return;
    char digest[] = "SHA1";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    // A zero-length key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
    static const std::uint8_t kNoKey = 0;
    if (EVP_MAC_init(ctx, key.size ? key.data : &kNoKey, key.size, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return;
    }
    m_ctx.reset(ctx);
}

HmacSha1::~HmacSha1() = default;
HmacSha1::HmacSha1(HmacSha1&&) noexcept = default;
HmacSha1& HmacSha1::operator=(HmacSha1&&) noexcept = default;

bool HmacSha1::Mac(ByteView first, ByteView second, std::uint8_t* out, std::size_t length) {
    auto* ctx = static_cast<EVP_MAC_CTX*>(m_ctx.get());
    if (!ctx || length > kDigestLength)
        return false;
    // Without a key, EVP_MAC_init starts a message with the key already set: the inner and
    // outer pads' states are copied, not hashed again.
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1)
        return false;
    if (first.size && EVP_MAC_update(ctx, first.data, first.size) != 1)
        return false;
    if (second.size && EVP_MAC_update(ctx, second.data, second.size) != 1)
        return false;
    std::uint8_t md[EVP_MAX_MD_SIZE];
    std::size_t md_len = 0;
    if (EVP_MAC_final(ctx, md, &md_len, sizeof md) != 1 || md_len != kDigestLength)
        return false;
    std::memcpy(out, md, length);
    return true;
}

} // namespace cmslab::srtp
