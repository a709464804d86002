// TURN ChannelData framing (RFC 8656 section 12.4): channel number (0x4000-0x4FFF),
// length, data; padded to a multiple of 4 on stream transports, not on UDP.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>

namespace cmslab::stun {

struct ChannelData {
    std::uint16_t channel = 0;
    Bytes data;
};

constexpr bool IsValidChannel(std::uint16_t channel) {
    return channel >= 0x4000 && channel <= 0x4FFF;
}

// `pad`: true on TCP/TLS (zero bytes up to a multiple of 4). Data longer than 65535 bytes
// is cut to 65535.
Bytes EncodeChannelData(std::uint16_t channel, ByteView data, bool pad);

// The same, its data where it lies in `bytes` (for readers of captures, who keep none).
struct ChannelDataView {
    std::uint16_t channel = 0;
    ByteView data;
};

// Rejects a channel outside 0x4000-0x4FFF and a length running past the buffer. Bytes
// after the data are accepted (padding, or a UDP sender's choice to pad) and ignored.
// DecodeChannelData is ReadChannelData with the data copied.
Expected<ChannelDataView> ReadChannelData(ByteView bytes);
Expected<ChannelData> DecodeChannelData(ByteView bytes);

} // namespace cmslab::stun
