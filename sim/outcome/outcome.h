// The guest's outcome (models/devices/guest_outcome) as summary.json carries it and
// `cmslab diagnose` reads it back.
#pragma once

#include "common/expected.h"
#include "guest_outcome/outcome.h"

#include <nlohmann/json.hpp>

#include <array>

namespace cmslab::outcome {

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
