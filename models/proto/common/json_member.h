// A string member of a JSON object read from a file a person may have edited: "" when the
// value is not an object, the key is absent or its value is not a string, never the JSON
// library's exception. For nlohmann::json and nlohmann::ordered_json alike.
#pragma once

#include <string>

namespace cmslab {

template <class Json> std::string StringMember(const Json& object, const char* key) {
    if (!object.is_object())
        return "";
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->template get<std::string>() : "";
}

} // namespace cmslab
