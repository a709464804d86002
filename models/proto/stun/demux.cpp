#include "stun/demux.h"

#include "stun/constants.h"

namespace cmslab::stun {

PacketKind Classify(ByteView packet) {
    if (packet.empty())
        return PacketKind::Other;
    const std::uint8_t b = packet[0];
    if (b <= 3)
        return PacketKind::Stun;
    if (b >= 16 && b <= 19)
        return PacketKind::Zrtp;
    if (b >= 20 && b <= 63)
        return PacketKind::Dtls;
    if (b >= 64 && b <= 79)
        return PacketKind::ChannelData;
    if (b >= 128 && b <= 191)
        return PacketKind::Rtp;
    return PacketKind::Other;
}

bool LooksLikeStun(ByteView packet) {
    ByteReader r(packet);
    std::uint16_t type = 0, length = 0;
    std::uint32_t cookie = 0;
    if (!r.U16(type) || !r.U16(length) || !r.U32(cookie) || packet.size < kHeaderSize)
        return false;
    return (type & 0xC000) == 0 && cookie == kMagicCookie && length % 4 == 0;
}

const char* PacketKindName(PacketKind kind) {
    switch (kind) {
    case PacketKind::Stun:
        return "STUN";
    case PacketKind::Zrtp:
        return "ZRTP";
    case PacketKind::Dtls:
        return "DTLS";
    case PacketKind::ChannelData:
        return "ChannelData";
    case PacketKind::Rtp:
        return "RTP/RTCP";
    case PacketKind::Other:
        return "other";
    }
    return "other";
}

} // namespace cmslab::stun
