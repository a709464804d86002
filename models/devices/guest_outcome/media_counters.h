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

struct MediaCounters {
    MediaDirection sent;     // browser -> CMS
    MediaDirection received; // CMS -> browser
    std::string protection;  // "srtp", "rtp", or "" before any media

    bool BothWays() const { return sent.packets > 0 && received.packets > 0; }
    bool operator==(const MediaCounters& o) const {
        return sent == o.sent && received == o.received && protection == o.protection;
    }
};

} // namespace cmslab::outcome
