// The scenario's guest scaled to a crowd of N, as `cmslab run --guests N` and the
// whole-run benchmark (bench/run_bench.cpp) both do it.
#pragma once

#include "scenario/guest_config.h"

#include <algorithm>
#include <cstddef>

namespace cmslab::scenario {

// N guests in all: the scenario's guest, then N-1 more as its `guest.crowd` block says
// (or the block's defaults: one every 0.1 s on the guest's node).
inline void ScaleGuestToCrowd(GuestConfig& guest, std::size_t guests) {
    guest.crowd.guests = guests;
}

// Seconds into the run when the last guest opens the page (Poisson arrivals: on average).
inline double LastGuestArrivalS(const GuestConfig& guest) {
    const std::size_t others = std::max<std::size_t>(1, guest.crowd.guests) - 1;
    return guest.start_after_s + static_cast<double>(others) * guest.crowd.interval_s;
}

} // namespace cmslab::scenario
