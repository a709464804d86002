// Absolute times for certificates (validity) and verification. The lab never reads the
// clock: these come from the scenario (its epoch plus the simulated time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::pki {

// Seconds since 1970-01-01T00:00:00Z, leap seconds ignored (as X.509 and POSIX do).
using UnixTime = std::int64_t;

// "2017-05-20T10:30:00Z" (also accepts a space for 'T' and omits nothing else).
std::optional<UnixTime> ParseUtc(std::string_view text);
std::string FormatUtc(UnixTime time);

} // namespace cmslab::pki
