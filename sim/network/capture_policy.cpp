#include "capture_policy.h"

namespace cmslab::network {

namespace {

constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kUdpHeader = 8;
constexpr std::size_t kChannelDataHeader = 4;
constexpr std::size_t kRtpFixedHeader = 12;

// The length of an RTP header at `at` (fixed part and CSRCs), or 0 when the bytes there
// are not RTP: version 2, and a second byte that is not an RTCP packet type (200-204
// as RFC 5761 section 4 tells them apart).
std::size_t RtpHeaderAt(ByteView frame, std::size_t at) {
    if (frame.size < at + kRtpFixedHeader)
        return 0;
    const std::uint8_t first = frame[at];
    if (first < 128 || first > 191)
        return 0;
    const std::uint8_t type = frame[at + 1];
    if (type >= 192 && type <= 223)
        return 0;
    const std::size_t header = kRtpFixedHeader + 4 * std::size_t(first & 0x0f);
    return frame.size >= at + header ? header : 0;
}

} // namespace

std::size_t BytesToKeep(CaptureMode mode, ByteView frame) {
    switch (mode) {
    case CaptureMode::Off:
        return 0;
    case CaptureMode::Full:
        return frame.size;
    case CaptureMode::MediaHeaders:
        break;
    }
    if (frame.size < kEthernetHeader + 20 || frame[12] != 0x08 || frame[13] != 0x00)
        return frame.size; // not IPv4
    const std::size_t ip = kEthernetHeader;
    const std::size_t ip_header = std::size_t(frame[ip] & 0x0f) * 4;
    if ((frame[ip] >> 4) != 4 || ip_header < 20 || frame[ip + 9] != 17)
        return frame.size; // not UDP
    if ((std::size_t(frame[ip + 6] & 0x1f) << 8 | frame[ip + 7]) != 0)
        return frame.size; // a later fragment
    const std::size_t udp = ip + ip_header;
    const std::size_t payload = udp + kUdpHeader;
    if (frame.size <= payload)
        return frame.size;
    const std::uint8_t first = frame[payload];
    if (first >= 64 && first <= 79) { // TURN ChannelData
        const std::size_t rtp = RtpHeaderAt(frame, payload + kChannelDataHeader);
        return rtp ? payload + kChannelDataHeader + rtp : frame.size;
    }
    const std::size_t rtp = RtpHeaderAt(frame, payload);
    return rtp ? payload + rtp : frame.size;
}

} // namespace cmslab::network
