#include "webapp/json_guard.h"

namespace cmslab::webapp {

namespace {

// Depth of [ and { outside strings; stops counting past the limit.
bool DepthWithin(std::string_view text, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return false;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return true;
}

} // namespace

Expected<nlohmann::json> ParseJson(std::string_view text) {
    if (text.size() > kMaxJsonBytes)
        return Error{"JSON text of " + std::to_string(text.size()) + " bytes exceeds the limit"};
    if (!DepthWithin(text, kMaxJsonDepth))
        return Error{"JSON nested too deeply"};
    auto value =
        nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded())
        return Error{"malformed JSON"};
    return value;
}

std::optional<std::string> StringField(const nlohmann::json& object, const char* name) {
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

std::optional<std::int64_t> IntField(const nlohmann::json& object, const char* name) {
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(name);
    if (it == object.end() || !it->is_number_integer())
        return std::nullopt;
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(INT64_MAX))
            return std::nullopt;
        return static_cast<std::int64_t>(v);
    }
    return it->get<std::int64_t>();
}

std::optional<bool> BoolField(const nlohmann::json& object, const char* name) {
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(name);
    if (it == object.end() || !it->is_boolean())
        return std::nullopt;
    return it->get<bool>();
}

} // namespace cmslab::webapp
