// The run's outcome as the guest lived it: the stages of the join, the final screen and
// the media counts. The browser records it; sim/outcome writes it to summary.json and
// reads it back for `cmslab diagnose`.
#pragma once

#include "guest_outcome/guest_view.h"
#include "guest_outcome/media_counters.h"
#include "guest_outcome/stage.h"

#include <array>

namespace cmslab::outcome {

struct Outcome {
    std::array<StageRecord, 11> stages = StageRecorder().All();
    GuestView guest_view;
    MediaCounters media;

    const StageRecord& Get(Stage stage) const { return stages[static_cast<std::size_t>(stage)]; }
};

} // namespace cmslab::outcome
