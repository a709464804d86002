// summary.json's "diagnosis" as a few lines of text, for a terminal and a CI report. The
// diagnosis is written by another part of the lab and its shape may grow; this reads what
// it recognises (verdict or healthy, summary, symptom, causes with their fix and
// evidence, limits) and shows any other scalar it finds, so nothing is silently dropped.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cmslab::check {

// "" when the summary has no diagnosis. Lines end with '\n'; each starts with `indent`.
std::string DiagnosisText(const nlohmann::json& summary, const std::string& indent = "");

} // namespace cmslab::check
