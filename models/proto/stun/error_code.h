// ERROR-CODE (RFC 8489 section 14.8) and the reason phrases the lab uses by default.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace cmslab::stun {

struct ErrorCode {
    std::uint16_t code = 0; // 300-699
    std::string reason;

    bool operator==(const ErrorCode& o) const { return code == o.code && reason == o.reason; }
};

namespace error {
constexpr std::uint16_t kTryAlternate = 300;
constexpr std::uint16_t kBadRequest = 400;
constexpr std::uint16_t kUnauthorized = 401;
constexpr std::uint16_t kForbidden = 403;
constexpr std::uint16_t kUnknownAttribute = 420;
// Not in RFC 8489's table: what Expressway-E sends for a wrong TURN password.
constexpr std::uint16_t kIntegrityCheckFailure = 431;
constexpr std::uint16_t kAllocationMismatch = 437;
constexpr std::uint16_t kStaleNonce = 438;
constexpr std::uint16_t kAddressFamilyNotSupported = 440;
constexpr std::uint16_t kWrongCredentials = 441;
constexpr std::uint16_t kUnsupportedTransportProtocol = 442;
constexpr std::uint16_t kPeerAddressFamilyMismatch = 443;
constexpr std::uint16_t kAllocationQuotaReached = 486;
constexpr std::uint16_t kServerError = 500;
constexpr std::uint16_t kInsufficientCapacity = 508;
} // namespace error

// The RFC 8489 / RFC 8656 phrase for a code ("Integrity Check Failure" for 431); an empty
// string for codes the lab does not know.
std::string_view DefaultReason(std::uint16_t code);

// An empty reason is replaced by DefaultReason(code). Codes outside 300-699 are clamped
// into the error class field as the wire allows (class = code / 100 & 7).
Bytes EncodeErrorCode(const ErrorCode& error);
Expected<ErrorCode> DecodeErrorCode(ByteView value);

} // namespace cmslab::stun
