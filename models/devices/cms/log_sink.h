// Where the product logic writes its event log lines: (level, text). The ns-3 adapter
// hands in a BoxLog writer; tests collect the lines.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace cmslab::cms {

using LogSink = std::function<void(std::string_view level, const std::string& text)>;

inline constexpr const char* kInfo = "Info";
inline constexpr const char* kWarning = "Warning";
inline constexpr const char* kError = "Error";

} // namespace cmslab::cms
