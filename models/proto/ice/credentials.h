// ICE credentials (RFC 8445 5.3, RFC 8839 5.4): the username fragment and password each
// agent signals in SDP (a=ice-ufrag, a=ice-pwd), drawn from the ice-char alphabet.
#pragma once

#include "common/rng.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace cmslab::ice {

struct Credentials {
    std::string ufrag; // >= 4 ice-chars (24 bits of randomness)
    std::string pwd;   // >= 22 ice-chars (128 bits)

    bool operator==(const Credentials& o) const { return ufrag == o.ufrag && pwd == o.pwd; }
    bool operator!=(const Credentials& o) const { return !(*this == o); }
};

// ALPHA / DIGIT / "+" / "/", not empty.
bool IsIceChars(std::string_view text);
// ufrag 4-256 ice-chars, pwd 22-256 ice-chars (RFC 8839's limits).
bool ValidCredentials(const Credentials& credentials);
// Fresh credentials from `rng` (same seed, same credentials). Lengths below the minimum
// are raised to it.
Credentials GenerateCredentials(Rng& rng, std::size_t ufrag_length = 4,
                                std::size_t pwd_length = 24);

} // namespace cmslab::ice
