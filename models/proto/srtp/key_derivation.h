// The SRTP key derivation (RFC 3711 section 4.3): session keys from a master key and
// salt with the AES-CM PRF, one label per key. The lab, like DTLS-SRTP, uses a key
// derivation rate of 0, so the keys are derived once per master key.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"
#include "srtp/profile.h"

#include <cstddef>
#include <cstdint>

namespace cmslab::srtp {

namespace label {
constexpr std::uint8_t kRtpEncryption = 0x00;
constexpr std::uint8_t kRtpAuthentication = 0x01;
constexpr std::uint8_t kRtpSalt = 0x02;
constexpr std::uint8_t kRtcpEncryption = 0x03;
constexpr std::uint8_t kRtcpAuthentication = 0x04;
constexpr std::uint8_t kRtcpSalt = 0x05;
} // namespace label

// `length` bytes of PRF output for one label. `index_div_kdr` is the 48-bit r of section
// 4.3.1 (0 when the key derivation rate is 0). Fails unless the key is 16 bytes and the
// salt 14.
Expected<Bytes> DeriveKey(ByteView master_key, ByteView master_salt, std::uint8_t label,
                          std::size_t length, std::uint64_t index_div_kdr = 0);

struct SessionKeys {
    Bytes cipher_key; // 16
    Bytes auth_key;   // 20
    Bytes salt;       // 14
};

// The three keys of SRTP (labels 0, 1, 2) or SRTCP (3, 4, 5).
Expected<SessionKeys> DeriveSrtpKeys(const MasterKey& master);
Expected<SessionKeys> DeriveSrtcpKeys(const MasterKey& master);

} // namespace cmslab::srtp
