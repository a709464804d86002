// AES-128 in counter mode as SRTP uses it (RFC 3711 section 4.1.1): a 128-bit counter
// block, the IV, whose low 16 bits count the blocks of one packet.
#pragma once

#include "common/bytes.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace cmslab::srtp {

using Iv = std::array<std::uint8_t, 16>;

// One session key, set up once and used for many packets.
class AesCm {
  public:
    // The key must be 16 bytes; anything else leaves the cipher unusable (Ok() false).
    explicit AesCm(ByteView key);
    ~AesCm();
    AesCm(AesCm&&) noexcept;
    AesCm& operator=(AesCm&&) noexcept;
    AesCm(const AesCm&) = delete;
    AesCm& operator=(const AesCm&) = delete;

    bool Ok() const { return m_ctx != nullptr; }
    // XORs the keystream that starts at `iv` into data, in place; false on a cipher error.
    bool Apply(const Iv& iv, std::uint8_t* data, std::size_t size);
    // The first `size` bytes of keystream from `iv`.
    Bytes Keystream(const Iv& iv, std::size_t size);

  private:
    struct CtxDeleter {
        void operator()(void* ctx) const;
    };
    std::unique_ptr<void, CtxDeleter> m_ctx;
};

} // namespace cmslab::srtp
