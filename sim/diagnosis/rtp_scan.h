// The RTP packets of a capture, found as a person finds them in Wireshark with "Decode
// As RTP": bare on a UDP port, inside TURN ChannelData, or inside the DATA attribute of
// a TURN Send or Data indication, over UDP or framed on a TCP stream (RFC 8656 section
// 3.1). SRTP encrypts the payload only, so the header (SSRC, sequence number) is readable
// in every capture the packet crosses; that is how one packet is followed from segment to
// segment through relays and NATs that change every address around it.
#pragma once

#include "diagnosis/pcap_reader.h"

#include <cstdint>
#include <vector>

namespace cmslab::diagnosis {

struct RtpSighting {
    std::size_t number = 0; // the frame number in its capture
    std::int64_t time_us = 0;
    std::uint32_t ssrc = 0;
    std::uint16_t sequence = 0;
};

// RTCP (RFC 5761 section 4) is left out: it is not the stream a guest hears. A packet
// whose capture kept the headers only (PcapPacket::snapped) is still found.
void CollectRtp(const PcapPacket& packet, std::vector<RtpSighting>& out);
std::vector<RtpSighting> FindRtp(const PcapFile& capture);

} // namespace cmslab::diagnosis
