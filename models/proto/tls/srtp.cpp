#include "tls/srtp.h"

namespace cmslab::tls {

bool SrtpProfileLengths(std::uint16_t id, std::size_t& key_length, std::size_t& salt_length) {
    switch (id) {
    case 0x0001: // SRTP_AES128_CM_HMAC_SHA1_80
    case 0x0002: // SRTP_AES128_CM_HMAC_SHA1_32
        key_length = 16;
        salt_length = 14;
        return true;
    case 0x0007: // SRTP_AEAD_AES_128_GCM
        key_length = 16;
        salt_length = 12;
        return true;
    case 0x0008: // SRTP_AEAD_AES_256_GCM
        key_length = 32;
        salt_length = 12;
        return true;
    }
    return false;
}

} // namespace cmslab::tls
