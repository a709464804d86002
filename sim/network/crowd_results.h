// What a crowd's run writes besides the first guest's summary: guests.jsonl, one line per
// guest (its node, arrival, outcome, first failed stage, join time, media figures), and
// summary.json's `crowd`, the aggregate a person reads first (guests per outcome and per
// first failed stage, join time and media percentiles, the peaks of relays and
// participants).
#pragma once

#include "common/expected.h"
#include "crowd.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace cmslab::network {

// "joined" (every stage ok: in the call with media), "failed" (a stage failed) or
// "unfinished" (the run ended first).
std::string CrowdOutcomeName(const outcome::Outcome& outcome);

nlohmann::ordered_json CrowdGuestJson(const CrowdGuest& guest);

struct CrowdPeaks {
    std::size_t relays = 0;       // TURN allocations held at once on the Expressway-Es
    std::size_t participants = 0; // in one call of the CMS at once
};
nlohmann::ordered_json CrowdAggregateJson(const std::vector<CrowdGuest>& guests,
                                          const CrowdPeaks& peaks);

// <out_dir>/guests.jsonl; returns its path.
Expected<std::string> WriteGuestsJsonl(const std::string& out_dir,
                                       const std::vector<CrowdGuest>& guests);

} // namespace cmslab::network
