// What a TLS or DTLS endpoint reports as it processes bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "tls/alert.h"

namespace cmslab::tls {

// One failed check of the peer's certificate chain, in OpenSSL's terms.
struct VerifyError {
    long code = 0;       // X509_V_ERR_*, e.g. 62 X509_V_ERR_HOSTNAME_MISMATCH
    std::string text;    // X509_verify_cert_error_string: "hostname mismatch"
    int depth = 0;       // 0 = the peer's own certificate
    std::string subject; // of the certificate at that depth, "" if none

    std::string ToString() const; // "62 hostname mismatch (depth 0, O = Example, CN = host)"
};

struct HandshakeInfo {
    std::string version; // "TLSv1.3", "TLSv1.2", "DTLSv1.2"
    std::uint16_t version_code = 0;
    std::string cipher;             // IANA name: "TLS_AES_128_GCM_SHA256"
    std::string cipher_openssl;     // OpenSSL's name: "ECDHE-ECDSA-AES128-GCM-SHA256"
    std::string group;              // key exchange group: "x25519", "secp256r1"; "" if none
    std::string alpn;               // "" when none was agreed
    std::string server_name;        // the SNI: sent (client) or received (server); "" if none
    std::string srtp_profile;       // DTLS use_srtp: "SRTP_AES128_CM_SHA1_80"; "" if none
    std::size_t identity_index = 0; // server: which configured identity was served
    long verify_result = 0; // X509_V_OK, or the first error when VerifyMode::Report let it pass
};

struct Event {
    enum class Kind {
        HandshakeDone, // handshake: the negotiated parameters
        VerifyFailed,  // verify: the first error (all: Endpoint::VerifyErrors())
        AlertSent,     // alert
        AlertReceived, // alert
        Closed,        // the peer sent close_notify
        Failed,        // detail: OpenSSL's reason; the connection is dead
    };
    Kind kind = Kind::Failed;
    HandshakeInfo handshake;
    VerifyError verify;
    Alert alert;
    std::string detail;

    // One log line: "handshake done: TLSv1.3 TLS_AES_128_GCM_SHA256 alpn=http/1.1 ..."
    std::string ToString() const;
};

// What one call into an endpoint produced.
struct FeedResult {
    Bytes data;                // application data received, in order
    std::vector<Event> events; // in the order they happened
};

} // namespace cmslab::tls
