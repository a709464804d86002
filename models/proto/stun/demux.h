// Telling apart what arrives on one port by its first byte (RFC 7983 section 7, with
// TURN channels as RFC 8656 section 12 adds them).
#pragma once

#include "common/bytes.h"

namespace cmslab::stun {

enum class PacketKind {
    Stun,        // 0-3
    Zrtp,        // 16-19
    Dtls,        // 20-63
    ChannelData, // 64-79
    Rtp,         // 128-191 (RTP or RTCP)
    Other,       // anything else, and an empty packet
};

PacketKind Classify(ByteView packet);

// A stricter STUN test for a demultiplexer that must not take RTP for STUN: first byte
// 0-3, at least a header, the magic cookie in place and a length multiple of 4.
bool LooksLikeStun(ByteView packet);

const char* PacketKindName(PacketKind kind);

} // namespace cmslab::stun
