// RTP packets (RFC 3550 section 5.1): fixed header, CSRC list, header extension
// (5.3.1), payload and padding.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace cmslab::rtp {

struct HeaderExtension {
    std::uint16_t profile = 0; // "defined by profile", 0xBEDE for RFC 8285 one-byte form
    Bytes data;                // a multiple of 4 bytes
    bool operator==(const HeaderExtension& o) const {
        return profile == o.profile && data == o.data;
    }
};

struct RtpPacket {
    bool marker = false;
    std::uint8_t payload_type = 0; // 0-127
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::vector<std::uint32_t> csrcs; // at most 15
    std::optional<HeaderExtension> extension;
    Bytes payload;
    // Padding octets at the end, the last one counting them all; 0 means no P bit.
    std::uint8_t padding = 0;

    bool operator==(const RtpPacket& o) const {
        return marker == o.marker && payload_type == o.payload_type && sequence == o.sequence &&
               timestamp == o.timestamp && ssrc == o.ssrc && csrcs == o.csrcs &&
               extension == o.extension && payload == o.payload && padding == o.padding;
    }
};

constexpr std::size_t kRtpFixedHeaderSize = 12;

// Fails for more than 15 CSRCs, a payload type above 127, or extension data that is not
// a multiple of 4 or longer than 65535 words. Padding octets before the count are zero.
Expected<Bytes> EncodeRtp(const RtpPacket& packet);
// A packet's fields where they lie in `data`, nothing copied: for readers of captures,
// who look at the header of every media packet and keep none of it.
struct RtpView {
    bool marker = false;
    std::uint8_t payload_type = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    ByteView csrcs; // 4 bytes each
    std::optional<std::uint16_t> extension_profile;
    ByteView extension;
    ByteView payload;
    std::uint8_t padding = 0;
};

// Fails on a version other than 2, truncation anywhere, a padding count of zero or
// longer than what follows the header. DecodeRtp is ReadRtp with the parts copied.
Expected<RtpView> ReadRtp(ByteView data);
Expected<RtpPacket> DecodeRtp(ByteView data);

// RFC 5761 4: with RTP and RTCP on one port, packet types 192-223 in the second byte
// are RTCP (they would be RTP payload types 64-95 with the marker set).
bool IsRtcp(ByteView data);

// RFC 3550 A.1: whether sequence number a comes after b, modulo 2^16.
inline bool SequenceNewer(std::uint16_t a, std::uint16_t b) {
    return a != b && static_cast<std::uint16_t>(a - b) < 0x8000;
}

} // namespace cmslab::rtp
