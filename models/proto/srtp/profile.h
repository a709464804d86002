// Sizes of the one protection profile the lab speaks, SRTP_AES128_CM_SHA1_80 (RFC 5764
// section 4.1.2): AES-128 in counter mode, HMAC-SHA1 cut to 80 bits, and the master key
// and salt a DTLS-SRTP handshake exports for each direction.
#pragma once

#include "common/bytes.h"

#include <cstddef>
#include <cstdint>

namespace cmslab::srtp {

constexpr std::size_t kMasterKeyLength = 16;
constexpr std::size_t kMasterSaltLength = 14;
constexpr std::size_t kCipherKeyLength = 16;
constexpr std::size_t kSessionSaltLength = 14;
constexpr std::size_t kAuthKeyLength = 20;
constexpr std::size_t kAuthTagLength = 10;
constexpr std::size_t kSrtcpIndexLength = 4;
constexpr std::uint16_t kProfileAes128CmSha1_80 = 0x0001;

// One direction's master key and salt: for DTLS-SRTP, the exported client or server
// write key and salt (tls::SrtpKeyMaterial::LocalKey/LocalSalt to protect,
// RemoteKey/RemoteSalt to unprotect).
struct MasterKey {
    Bytes key;  // 16 bytes
    Bytes salt; // 14 bytes
};

} // namespace cmslab::srtp
