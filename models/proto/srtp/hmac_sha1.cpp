// SHA-1's low-level functions are deprecated in OpenSSL 3 in favour of EVP, whose
// per-message context copies are what this class exists to avoid; they remain, and a
// SHA_CTX is a plain struct that copies without an allocation.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "srtp/hmac_sha1.h"

#include <openssl/sha.h>

#include <array>
#include <cstring>

namespace cmslab::srtp {

struct HmacSha1::Pads {
    SHA_CTX inner;
    SHA_CTX outer;
};

HmacSha1::HmacSha1(ByteView key) {
    // RFC 2104: a key longer than the block is hashed first; the block-sized key, XORed
    // with 0x36 and with 0x5c, starts the inner and the outer hash.
    constexpr std::size_t kBlock = 64;
    std::array<std::uint8_t, kBlock> block{};
    if (key.size > kBlock)
        SHA1(key.data, key.size, block.data());
    else if (key.size)
        std::memcpy(block.data(), key.data, key.size);
    auto pads = std::make_unique<Pads>();
    std::array<std::uint8_t, kBlock> pad{};
    for (std::size_t i = 0; i < kBlock; ++i)
        pad[i] = block[i] ^ 0x36;
    if (SHA1_Init(&pads->inner) != 1 || SHA1_Update(&pads->inner, pad.data(), kBlock) != 1)
        return;
    for (std::size_t i = 0; i < kBlock; ++i)
        pad[i] = block[i] ^ 0x5c;
    if (SHA1_Init(&pads->outer) != 1 || SHA1_Update(&pads->outer, pad.data(), kBlock) != 1)
        return;
    m_pads = std::move(pads);
}

HmacSha1::~HmacSha1() = default;
HmacSha1::HmacSha1(HmacSha1&&) noexcept = default;
HmacSha1& HmacSha1::operator=(HmacSha1&&) noexcept = default;

bool HmacSha1::Mac(ByteView first, ByteView second, std::uint8_t* out, std::size_t length) {
    if (!m_pads || length > kDigestLength)
        return false;
    std::uint8_t md[kDigestLength];
    SHA_CTX c = m_pads->inner;
    if (first.size)
        SHA1_Update(&c, first.data, first.size);
    if (second.size)
        SHA1_Update(&c, second.data, second.size);
    SHA1_Final(md, &c);
    c = m_pads->outer;
    SHA1_Update(&c, md, sizeof md);
    SHA1_Final(md, &c);
    std::memcpy(out, md, length);
    return true;
}

} // namespace cmslab::srtp
