// How much of each frame a segment's capture keeps. A long call or a crowd of guests
// fills a full capture with media whose payload is encrypted anyway (SRTP): keeping only
// the headers of media frames (Ethernet, IPv4, UDP, a TURN ChannelData header and the RTP
// header, where SSRC and sequence number are) keeps every signalling packet whole and
// the media countable, for a fraction of the bytes. No ns-3 here.
#pragma once

#include "common/bytes.h"

#include <cstddef>

namespace cmslab::network {

enum class CaptureMode { Full, MediaHeaders, Off };

// The bytes of an Ethernet frame (with its FCS) the capture keeps: the whole frame, or
// under MediaHeaders, for a UDP datagram that is RTP (RFC 7983: first byte 128-191, not
// RTCP) bare or in ChannelData, the headers up to the end of the RTP header (its CSRCs
// included). Anything else, and anything it cannot read, is kept whole.
std::size_t BytesToKeep(CaptureMode mode, ByteView frame);

} // namespace cmslab::network
