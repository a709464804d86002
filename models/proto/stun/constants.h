// Numbers of the STUN wire format (RFC 8489) and its TURN extensions (RFC 8656).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cmslab::stun {

constexpr std::uint32_t kMagicCookie = 0x2112A442;
constexpr std::size_t kHeaderSize = 20;
constexpr std::size_t kTransactionIdSize = 12;

enum class Class : std::uint8_t {
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
};

// Methods are 12-bit numbers; kept as integers so that unknown methods survive decoding.
namespace method {
constexpr std::uint16_t kBinding = 0x001;
constexpr std::uint16_t kAllocate = 0x003;
constexpr std::uint16_t kRefresh = 0x004;
constexpr std::uint16_t kSend = 0x006;
constexpr std::uint16_t kData = 0x007;
constexpr std::uint16_t kCreatePermission = 0x008;
constexpr std::uint16_t kChannelBind = 0x009;
} // namespace method

namespace attr {
// Comprehension-required (0x0000-0x7FFF).
constexpr std::uint16_t kMappedAddress = 0x0001;
constexpr std::uint16_t kUsername = 0x0006;
constexpr std::uint16_t kMessageIntegrity = 0x0008;
constexpr std::uint16_t kErrorCode = 0x0009;
constexpr std::uint16_t kUnknownAttributes = 0x000A;
constexpr std::uint16_t kChannelNumber = 0x000C;
constexpr std::uint16_t kLifetime = 0x000D;
constexpr std::uint16_t kXorPeerAddress = 0x0012;
constexpr std::uint16_t kData = 0x0013;
constexpr std::uint16_t kRealm = 0x0014;
constexpr std::uint16_t kNonce = 0x0015;
constexpr std::uint16_t kXorRelayedAddress = 0x0016;
constexpr std::uint16_t kRequestedAddressFamily = 0x0017;
constexpr std::uint16_t kEvenPort = 0x0018;
constexpr std::uint16_t kRequestedTransport = 0x0019;
constexpr std::uint16_t kDontFragment = 0x001A;
constexpr std::uint16_t kMessageIntegritySha256 = 0x001C;
constexpr std::uint16_t kPasswordAlgorithm = 0x001D;
constexpr std::uint16_t kUserhash = 0x001E;
constexpr std::uint16_t kXorMappedAddress = 0x0020;
constexpr std::uint16_t kReservationToken = 0x0022;
constexpr std::uint16_t kPriority = 0x0024;
constexpr std::uint16_t kUseCandidate = 0x0025;
// Comprehension-optional (0x8000-0xFFFF).
constexpr std::uint16_t kPasswordAlgorithms = 0x8002;
constexpr std::uint16_t kAlternateDomain = 0x8003;
constexpr std::uint16_t kSoftware = 0x8022;
constexpr std::uint16_t kAlternateServer = 0x8023;
constexpr std::uint16_t kFingerprint = 0x8028;
constexpr std::uint16_t kIceControlled = 0x8029;
constexpr std::uint16_t kIceControlling = 0x802A;

constexpr bool IsComprehensionRequired(std::uint16_t type) {
    return type < 0x8000;
}
} // namespace attr

// IANA protocol numbers carried in REQUESTED-TRANSPORT.
constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::uint8_t kProtocolTcp = 6;

constexpr std::uint32_t kFingerprintXor = 0x5354554e;

// TURN channel numbers (RFC 8656 section 12).
constexpr std::uint16_t kMinChannel = 0x4000;
constexpr std::uint16_t kMaxChannel = 0x4FFF;

} // namespace cmslab::stun
