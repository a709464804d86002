// Where a media stream lost or delayed its packets, from the captures alone: each RTP
// packet (SSRC, sequence number) is followed across the segments' captures in the order
// the stream crosses them, and each segment is charged with what entered the one before
// it and never appeared on it, and with the time it added. A lab segment's path (delay,
// jitter, loss) acts on a frame as the frame enters the segment, so a lost frame is
// missing from that segment's capture and present in the one before.
#pragma once

#include "diagnosis/rtp_scan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cmslab::diagnosis {

struct CaptureRtp {
    std::string file; // "pcap/public.pcap"
    std::vector<RtpSighting> packets;
};

struct PathHop {
    std::string file;        // the segment's capture
    std::size_t seen = 0;    // distinct packets of the stream in it
    std::size_t offered = 0; // packets the segment before carried (first hop: the sequence range)
    std::size_t lost = 0;    // of those, missing here
    // The first lost packet in the capture before (first hop: 0, a gap has no frame).
    std::size_t first_lost_frame = 0;
    std::uint16_t first_lost_sequence = 0;
    // Time from the capture before to this one, for the packets seen in both (first hop:
    // 0): its mean and its variation, RFC 3550's interarrival jitter of the transit time.
    double mean_transit_ms = 0;
    double jitter_ms = 0;
};

struct StreamPath {
    std::uint32_t ssrc = 0;
    std::vector<PathHop> hops; // in the order the stream crosses them
};

// Streams of fewer than `min_packets` packets are left out (a stray packet tells nothing).
std::vector<StreamPath> TraceStreams(const std::vector<CaptureRtp>& captures,
                                     std::size_t min_packets = 20);

// "public" for "pcap/public.pcap".
std::string SegmentOf(const std::string& capture_file);

} // namespace cmslab::diagnosis
