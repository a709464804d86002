// Times of a scenario file (YYYY-MM-DDTHH:MM:SSZ, UTC) to Unix seconds and back, for the
// mutation that moves a validity window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmslab::mutate {

std::optional<std::int64_t> ParseUtc(const std::string& text);
std::string FormatUtc(std::int64_t unix_seconds);

} // namespace cmslab::mutate
