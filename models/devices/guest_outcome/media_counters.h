// The guest's media, counted at the browser: RTP packets and their bytes each way.
#pragma once

#include <cstdint>
#include <string>

namespace cmslab::outcome {

struct MediaDirection {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0; // RTP packets as sent on the wire (SRTP: with the auth tag)

    void Count(std::uint64_t size) {
        ++packets;
        bytes += size;
    }
    bool operator==(const MediaDirection& o) const {
        return packets == o.packets && bytes == o.bytes;
    }
};

// The CMS's stream as the browser received it (RFC 3550 6.4.1: packets expected from
// the sequence numbers, lost, interarrival jitter).
struct Reception {
    std::uint64_t expected = 0;
    std::int64_t lost = 0; // negative with duplicates
    double jitter_ms = 0;

    double LossPercent() const {
        return expected == 0 || lost <= 0 ? 0 : 100.0 * static_cast<double>(lost) / expected;
    }
    bool operator==(const Reception& o) const {
        return expected == o.expected && lost == o.lost && jitter_ms == o.jitter_ms;
    }
};

// The round trip of the media path as the browser's ICE agent measured it: its checks on
// the selected pair, each through both TURN relays and back (ice::RoundTrip).
struct RoundTrip {
    std::uint32_t samples = 0;
    double mean_ms = 0;
    double max_ms = 0;
    bool operator==(const RoundTrip& o) const {
        return samples == o.samples && mean_ms == o.mean_ms && max_ms == o.max_ms;
    }
};

struct MediaCounters {
    MediaDirection sent;     // browser -> CMS
    MediaDirection received; // CMS -> browser
    std::string protection;  // "srtp", "rtp", or "" before any media
    Reception reception;     // of `received`
    RoundTrip round_trip;

    bool BothWays() const { return sent.packets > 0 && received.packets > 0; }
    bool operator==(const MediaCounters& o) const {
        return sent == o.sent && received == o.received && protection == o.protection &&
               reception == o.reception && round_trip == o.round_trip;
    }
};

} // namespace cmslab::outcome
