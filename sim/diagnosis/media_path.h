// Where a media stream lost or delayed its packets, from the captures alone: each RTP
// packet (SSRC, sequence number) is followed across the segments' captures in the order
// the stream crosses them, and each segment is charged with what entered the one before
// it and never appeared on it, and with the time it added. A lab segment's path (delay,
// jitter, loss) acts on a frame as the frame enters the segment, so a lost frame is
// missing from that segment's capture and present in the one before.
//
// A packet can cross one segment more than once (the relayed media on the Expressway-E's
// DMZ goes out to the firewall's NAT and back): its first, second and third sighting in
// one capture are three crossings, each a hop of its own, so a packet lost on the second
// crossing is charged to that segment and not to the next one.
//
// The captures are read side by side, in time order, and a packet is settled once the
// captures have moved `kSettleUs` past its first sighting: the memory held is that much of
// the call, not the call.
#pragma once

#include "diagnosis/rtp_scan.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::diagnosis {

struct CaptureRtp {
    std::string file; // "pcap/public.pcap"
    std::vector<RtpSighting> packets;
};

struct PathHop {
    std::string file;         // the segment's capture
    std::size_t crossing = 1; // 2: the packets' second sighting in that capture
    std::size_t seen = 0;     // distinct packets of the stream in it
    std::size_t offered = 0;  // packets the hop before carried (first hop: the sequence range)
    std::size_t lost = 0;     // of those, missing here
    // The first lost packet in the capture before (first hop: 0, a gap has no frame).
    std::size_t first_lost_frame = 0;
    std::uint16_t first_lost_sequence = 0;
    // Time from the hop before to this one, for the packets seen in both (first hop: 0):
    // its mean and its variation, RFC 3550's interarrival jitter of the transit time.
    double mean_transit_ms = 0;
    double jitter_ms = 0;
};

struct StreamPath {
    std::uint32_t ssrc = 0;
    std::vector<PathHop> hops; // in the order the stream crosses them
};

// Follows the streams of a folder's captures fed side by side. A packet seen again on any
// segment more than kSettleUs after its first sighting is a new packet to the tracer (and
// the earlier one lost where it went missing): to a guest, media that late is lost too.
class MediaPathTracer {
  public:
    static constexpr std::int64_t kSettleUs = 30'000'000;

    // Hops with fewer than `min_packets` packets of a stream are left out (a stray packet
    // tells nothing).
    MediaPathTracer(std::vector<std::string> files, std::size_t min_packets = 20);
    ~MediaPathTracer();
    MediaPathTracer(const MediaPathTracer&) = delete;
    MediaPathTracer& operator=(const MediaPathTracer&) = delete;

    // A sighting in captures[capture]; each capture's in its order, the captures' merged
    // by time (a sighting earlier than one already fed from another capture is taken as
    // if it came then).
    void Add(std::size_t capture, const RtpSighting& sighting);
    // Every stream seen, by SSRC; the tracer is spent.
    std::vector<StreamPath> Finish();
    // Packets not yet settled: bounded by kSettleUs of media, whatever the call's length.
    std::size_t Pending() const { return m_pending_count; }

  private:
    struct Stream;
    void SettleDue(std::uint32_t ssrc, std::int64_t now_us);
    Stream& StreamOf(std::uint32_t ssrc);

    std::vector<std::string> m_files;
    std::size_t m_min_packets;
    std::vector<std::map<std::uint32_t, std::int64_t>> m_highest; // per capture: SSRC -> extended
    std::map<std::uint32_t, Stream> m_streams;
    // Each packet's first sighting in order, to find those due to settle.
    std::deque<std::pair<std::int64_t, std::uint32_t>> m_due;
    std::int64_t m_now_us = 0;
    std::size_t m_pending_count = 0;
};

// One capture's sightings in its order; nullopt once it has no more.
using SightingSource = std::function<std::optional<RtpSighting>()>;

// The captures' sightings merged by time (the earliest next; at the same instant, the
// capture listed first) into a MediaPathTracer. `files[i]` names `sources[i]`.
std::vector<StreamPath> TraceStreams(std::vector<std::string> files,
                                     std::vector<SightingSource> sources,
                                     std::size_t min_packets = 20);
// The same from sightings in memory.
std::vector<StreamPath> TraceStreams(const std::vector<CaptureRtp>& captures,
                                     std::size_t min_packets = 20);

// "public" for "pcap/public.pcap".
std::string SegmentOf(const std::string& capture_file);

} // namespace cmslab::diagnosis
