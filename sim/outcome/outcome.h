// The run's outcome as the guest lived it: the stages of the join, the final screen and
// the media counts. summary.json carries it; `cmslab diagnose` reads it back.
#pragma once

#include "common/expected.h"
#include "outcome/guest_view.h"
#include "outcome/media_counters.h"
#include "outcome/stage.h"

#include <nlohmann/json.hpp>

#include <array>

namespace cmslab::outcome {

struct Outcome {
    std::array<StageRecord, 11> stages = StageRecorder().All();
    GuestView guest_view;
    MediaCounters media;

    const StageRecord& Get(Stage stage) const { return stages[static_cast<std::size_t>(stage)]; }
};

// {"dns": {"status": "ok", "t_ms": 1.234, "detail": "..."}, ...} in stage order; t_ms
// is null for a stage not reached.
nlohmann::ordered_json StagesJson(const std::array<StageRecord, 11>& stages);
// {"screen", "url", "security", "title", "text", "error_code", "buttons"}.
nlohmann::ordered_json GuestViewJson(const GuestView& view);
// {"protection", "sent": {"packets", "bytes"}, "received": {"packets", "bytes"}}.
nlohmann::ordered_json MediaJson(const MediaCounters& media);

// Reads the three back from a summary (any JSON object holding "stages", "guest_view",
// "media"); errors name what is missing or malformed.
Expected<Outcome> OutcomeFromJson(const nlohmann::json& summary);

} // namespace cmslab::outcome
