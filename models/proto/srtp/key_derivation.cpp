#include "srtp/key_derivation.h"

#include "srtp/aes_cm.h"

namespace cmslab::srtp {

Expected<Bytes> DeriveKey(ByteView master_key, ByteView master_salt, std::uint8_t label,
                          std::size_t length, std::uint64_t index_div_kdr) {
    if (master_key.size != kMasterKeyLength)
        return Error{"master key must be 16 bytes"};
    if (master_salt.size != kMasterSaltLength)
        return Error{"master salt must be 14 bytes"};
    // x = key_id XOR master_salt, key_id = label || r (8 + 48 bits) aligned to the right
    // of the 112-bit salt; the PRF input is x * 2^16.
    Iv iv{};
    for (std::size_t i = 0; i < kMasterSaltLength; ++i)
        iv[i] = master_salt[i];
    iv[7] ^= label;
    for (int i = 0; i < 6; ++i)
        iv[13 - i] ^= static_cast<std::uint8_t>(index_div_kdr >> (8 * i));
    AesCm prf(master_key);
    Bytes out = prf.Keystream(iv, length);
    if (out.size() != length)
        return Error{"AES-CM failed"};
    return out;
}

namespace {

Expected<SessionKeys> Derive(const MasterKey& master, std::uint8_t enc, std::uint8_t auth,
                             std::uint8_t salt) {
    SessionKeys keys;
    auto k = DeriveKey(master.key, master.salt, enc, kCipherKeyLength);
    if (!k)
        return k.Err();
    auto a = DeriveKey(master.key, master.salt, auth, kAuthKeyLength);
    auto s = DeriveKey(master.key, master.salt, salt, kSessionSaltLength);
    if (!a || !s)
        return Error{"key derivation failed"};
    keys.cipher_key = std::move(*k);
    keys.auth_key = std::move(*a);
    keys.salt = std::move(*s);
    return keys;
}

} // namespace

Expected<SessionKeys> DeriveSrtpKeys(const MasterKey& master) {
    return Derive(master, label::kRtpEncryption, label::kRtpAuthentication, label::kRtpSalt);
}

Expected<SessionKeys> DeriveSrtcpKeys(const MasterKey& master) {
    return Derive(master, label::kRtcpEncryption, label::kRtcpAuthentication, label::kRtcpSalt);
}

} // namespace cmslab::srtp
