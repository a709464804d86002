// HMAC-SHA1 (RFC 2104) keyed once and used for many messages, as SRTP's authentication
// (RFC 3711 section 4.2.1) uses one session key for every packet of a session.
//
// Why not OpenSSL's one-shot HMAC(): it fetches the digest, allocates a context and hashes
// the key's inner and outer pads for every call. Nor a keyed EVP_MAC context: each message
// still had OpenSSL copy the two prepared SHA-1 states into contexts it allocates. Here the
// two padded keys are hashed once into plain SHA-1 states (RFC 2104's inner and outer
// hashes), and a message copies them on the stack and hashes only itself and the digest.
#pragma once

#include "common/bytes.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace cmslab::srtp {

class HmacSha1 {
  public:
    static constexpr std::size_t kDigestLength = 20;

    // Any key length (RFC 2104 hashes a key longer than 64 bytes first).
    explicit HmacSha1(ByteView key);
    ~HmacSha1();
    HmacSha1(HmacSha1&&) noexcept;
    HmacSha1& operator=(HmacSha1&&) noexcept;
    HmacSha1(const HmacSha1&) = delete;
    HmacSha1& operator=(const HmacSha1&) = delete;

    bool Ok() const { return m_pads != nullptr; }
    // The first `length` (at most kDigestLength) bytes of the MAC of `first` followed by
    // `second` (SRTP authenticates the packet and then its rollover counter, which is not
    // sent); false for a longer `length`.
    bool Mac(ByteView first, ByteView second, std::uint8_t* out, std::size_t length);

  private:
    struct Pads; // the SHA-1 states after the inner and the outer padded key
    std::unique_ptr<Pads> m_pads;
};

} // namespace cmslab::srtp
