// Parsing untrusted JSON text: size and nesting are bounded before nlohmann::json sees
// it (its parser recurses, so "[[[[..." a million deep would exhaust the stack), and a
// syntax error comes back as an Error, never as an exception.
#pragma once

#include "common/expected.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::webapp {

inline constexpr std::size_t kMaxJsonBytes = 64 * 1024;
inline constexpr std::size_t kMaxJsonDepth = 16;

Expected<nlohmann::json> ParseJson(std::string_view text);

// Typed field access on an object; absent or of another type: nullopt.
std::optional<std::string> StringField(const nlohmann::json& object, const char* name);
std::optional<std::int64_t> IntField(const nlohmann::json& object, const char* name);
std::optional<bool> BoolField(const nlohmann::json& object, const char* name);

} // namespace cmslab::webapp
