// What a network path does to each frame a device sends onto a segment: it may lose it
// (random, seeded), and it delivers it after the one-way delay plus a random jitter,
// never before a frame sent earlier (no reordering: jitter stretches the gaps, as a
// queue does). No ns-3 here; path_csma_net_device applies it in front of the channel.
#pragma once

#include "common/rng.h"
#include "common/time.h"

#include <optional>

namespace cmslab::link {

struct PathSettings {
    Duration delay{};  // one way
    Duration jitter{}; // each frame waits delay + U[0, jitter]
    double loss = 0;   // probability that a frame is lost, 0..1

    bool Impaired() const { return delay.count() > 0 || jitter.count() > 0 || loss > 0; }
};

class PathImpairment {
  public:
    PathImpairment(PathSettings settings, Rng rng);

    // When a frame sent `now` enters the segment; nullopt when the path loses it.
    std::optional<Instant> Departure(Instant now);

    std::uint64_t Lost() const { return m_lost; }
    std::uint64_t Passed() const { return m_passed; }
    const PathSettings& Settings() const { return m_settings; }

  private:
    PathSettings m_settings;
    Rng m_rng;
    Instant m_last{};
    std::uint64_t m_lost = 0;
    std::uint64_t m_passed = 0;
};

} // namespace cmslab::link
