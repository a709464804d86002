#include "pki/fingerprint.h"

#include <cctype>

namespace cmslab::pki {

std::size_t FingerprintDigestLength(std::string_view algorithm) {
    if (algorithm == "sha-1")
        return 20;
    if (algorithm == "sha-224")
        return 28;
    if (algorithm == "sha-256")
        return 32;
    if (algorithm == "sha-384")
        return 48;
    if (algorithm == "sha-512")
        return 64;
    return 0;
}

std::string Fingerprint::HexWithColons() const {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < digest.size(); ++i) {
        if (i > 0)
            out += ':';
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

std::string Fingerprint::ToSdp() const {
    return algorithm + " " + HexWithColons();
}

std::optional<Fingerprint> Fingerprint::ParseSdp(std::string_view text) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    Fingerprint f;
    for (char c : text.substr(0, space))
        f.algorithm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t expected = FingerprintDigestLength(f.algorithm);
    if (expected == 0)
        return std::nullopt;
    std::string_view hex = text.substr(space + 1);
    // Pairs of hex digits separated by single colons.
    if (hex.size() != expected * 3 - 1)
        return std::nullopt;
    for (std::size_t i = 0; i < expected; ++i) {
        if (i > 0 && hex[i * 3 - 1] != ':')
            return std::nullopt;
        Bytes byte;
        if (!FromHex(hex.substr(i * 3, 2), byte) || byte.size() != 1)
            return std::nullopt;
        f.digest.push_back(byte[0]);
    }
    return f;
}

} // namespace cmslab::pki
