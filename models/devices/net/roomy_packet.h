// A packet made from bytes with room around them for the headers and the Ethernet
// trailer that the way down will add, in a buffer that ns-3's buffer free list takes back.
//
// ns-3 keeps a free list of packet buffers, but only of buffers at least as large as the
// largest it has taken back so far (Buffer::Recycle); a packet made from bytes
// (Packet(bytes, size)) gets a buffer of exactly its size, and every header added at its
// start after that moves it into a new one. Once the join's TCP has handed back a buffer
// of about 1.9 KB, the media's smaller buffers are freed, never reused, and each datagram
// costs half a dozen allocations and copies on its way down. Packets made here carry the
// same bytes in a buffer of kRoomyBufferSize, into which the headers and the trailer fit,
// and which the free list takes back (and then hands to other packets too). Should ns-3 be
// handed back a buffer larger than that (no run here makes one), the free list keeps no
// roomy buffer either, and a packet made here costs one allocation of its own, still fewer
// than the ordinary way's half dozen.
//
// Include only from ns-3 adapter code: it pulls in ns-3 headers.
#pragma once

#include "common/bytes.h"

#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstddef>

namespace cmslab::devices::net {

// Room for any frame of a 1500-byte MTU with its headers and trailer, and more than the
// largest buffer ns-3's TCP makes here (1,860 bytes in the reference's join).
inline constexpr std::size_t kRoomyBufferSize = 2048;

// The packet whose bytes are `payload`; a payload too large for the room is made the
// ordinary way.
ns3::Ptr<ns3::Packet> RoomyPacket(ByteView payload);

} // namespace cmslab::devices::net
