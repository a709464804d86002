// Reading a results folder's JSON where a field may be missing or of another type: the
// comparison and the diff both read summaries written by other versions of the lab.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cmslab::check {

// The string at `key` of `object`; "" when `object` is no object or the field no string.
inline std::string StringField(const nlohmann::json& object, const char* key) {
    if (!object.is_object())
        return "";
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

} // namespace cmslab::check
