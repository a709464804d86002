#include "srtp/aes_cm.h"

#include <openssl/evp.h>

#include <algorithm>

namespace cmslab::srtp {

void AesCm::CtxDeleter::operator()(void* ctx) const {
    EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(ctx));
}

AesCm::AesCm(ByteView key) {
    if (key.size != 16)
        return;
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return;
    // OpenSSL's CTR mode increments the whole 128-bit block big-endian, which is the same
    // as SRTP's 16-bit block counter as long as a packet stays under 2^16 blocks (the low
    // 16 bits of every SRTP IV start at zero).
    if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, key.data, nullptr) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return;
    }
    m_ctx.reset(ctx);
}

AesCm::~AesCm() = default;
AesCm::AesCm(AesCm&&) noexcept = default;
AesCm& AesCm::operator=(AesCm&&) noexcept = default;

bool AesCm::Apply(const Iv& iv, std::uint8_t* data, std::size_t size) {
    auto* ctx = static_cast<EVP_CIPHER_CTX*>(m_ctx.get());
    if (!ctx)
        return false;
    if (EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) != 1)
        return false;
    std::size_t done = 0;
    while (done < size) {
        // EVP_EncryptUpdate takes an int length.
        const int chunk = static_cast<int>(std::min<std::size_t>(size - done, 1 << 20));
        int out_len = 0;
        if (EVP_EncryptUpdate(ctx, data + done, &out_len, data + done, chunk) != 1 ||
            out_len != chunk)
            return false;
        done += static_cast<std::size_t>(chunk);
    }
    return true;
}

Bytes AesCm::Keystream(const Iv& iv, std::size_t size) {
    Bytes out(size, 0);
    if (!Apply(iv, out.data(), out.size()))
        return {};
    return out;
}

} // namespace cmslab::srtp
