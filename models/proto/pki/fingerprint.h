// Certificate fingerprints as SDP carries them (RFC 8122 a=fingerprint), which is how
// WebRTC peers authenticate their self-signed DTLS certificates.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace cmslab::pki {

struct Fingerprint {
    std::string algorithm; // RFC 8122 hash name: "sha-256" (also sha-1, sha-384, sha-512)
    Bytes digest;

    // "AB:CD:..." upper-case hex, colon separated, as SDP and `openssl x509 -fingerprint`
    // write it.
    std::string HexWithColons() const;
    // "sha-256 AB:CD:..." : the value of an SDP a=fingerprint attribute.
    std::string ToSdp() const;
    // Parses the attribute value; the algorithm name is case-insensitive and kept
    // lower-case, and the digest length must fit the algorithm.
    static std::optional<Fingerprint> ParseSdp(std::string_view text);

    bool operator==(const Fingerprint& o) const {
        return algorithm == o.algorithm && digest == o.digest;
    }
    bool operator!=(const Fingerprint& o) const { return !(*this == o); }
};

// Digest length of an RFC 8122 hash name, 0 if the lab does not know it.
std::size_t FingerprintDigestLength(std::string_view algorithm);

} // namespace cmslab::pki
