// Helpers for the scenario and topology tests: the reference scenario as JSON, one-edit
// variants of it, and assertions on diagnostics.
#pragma once

#include "scenario/loader.h"

#include <nlohmann/json.hpp>

#include <string>

namespace cmslab::scenario::test {

std::string SourcePath(const std::string& relative); // under the source tree
std::string ReadFile(const std::string& path);
nlohmann::json ReferenceJson();

// The reference scenario with `value` set at `pointer` (a null value removes the key).
LoadResult LoadEdited(const std::string& pointer, const nlohmann::json& value);
LoadResult LoadJson(const nlohmann::json& document, const std::string& label = "edited.json");

// True if some error is at exactly `pointer` and its message contains `fragment`.
bool HasError(const LoadResult& r, const std::string& pointer, const std::string& fragment = "");
bool HasWarning(const LoadResult& r, const std::string& pointer, const std::string& fragment = "");

} // namespace cmslab::scenario::test
