// SRTP keys from a DTLS-SRTP handshake (RFC 5764 section 4.2): the exporter output
// "EXTRACTOR-dtls_srtp" split into client key, server key, client salt, server salt.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "tls/config.h"

namespace cmslab::tls {

struct SrtpKeyMaterial {
    std::string profile;          // "SRTP_AES128_CM_SHA1_80"
    std::uint16_t profile_id = 0; // 0x0001
    Bytes client_write_key;
    Bytes server_write_key;
    Bytes client_write_salt;
    Bytes server_write_salt;

    // This side protects with the local key and salt, and unprotects with the remote ones.
    const Bytes& LocalKey(Role r) const {
        return r == Role::Client ? client_write_key : server_write_key;
    }
    const Bytes& LocalSalt(Role r) const {
        return r == Role::Client ? client_write_salt : server_write_salt;
    }
    const Bytes& RemoteKey(Role r) const {
        return r == Role::Client ? server_write_key : client_write_key;
    }
    const Bytes& RemoteSalt(Role r) const {
        return r == Role::Client ? server_write_salt : client_write_salt;
    }
};

// Key and salt lengths of an SRTP protection profile (RFC 5764, RFC 7714); false if unknown.
bool SrtpProfileLengths(std::uint16_t profile_id, std::size_t& key_length,
                        std::size_t& salt_length);

} // namespace cmslab::tls
