// HMAC-SHA1 (RFC 2104) keyed once and used for many messages, as SRTP's authentication
// (RFC 3711 section 4.2.1) uses one session key for every packet of a session.
//
// Why not OpenSSL's one-shot HMAC(): it fetches the digest, allocates a context and hashes
// the key's inner and outer pads for every call; keyed once, a message costs the copy of
// the two prepared SHA-1 states and the hashing of the message.
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

    bool Ok() const { return m_ctx != nullptr; }
    // The first `length` (at most kDigestLength) bytes of the MAC of `first` followed by
    // `second` (SRTP authenticates the packet and then its rollover counter, which is not
    // sent); false on an OpenSSL error.
    bool Mac(ByteView first, ByteView second, std::uint8_t* out, std::size_t length);

  private:
    struct CtxDeleter {
        void operator()(void* ctx) const;
    };
    std::unique_ptr<void, CtxDeleter> m_ctx;
};

} // namespace cmslab::srtp
