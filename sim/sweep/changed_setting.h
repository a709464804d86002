// What a variant changed, in the words a diagnosis could use for it: the product that holds
// the setting (from the role of the node it belongs to), the words of the setting's key,
// and the values that identify it (the old value, the name of the entry it is in). Made
// from the variant file and its mutation block when a sweep starts, and kept in the sweep's
// manifest so that a merge needs nothing but the result folders.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cmslab::sweep {

struct ChangedSetting {
    std::vector<std::string> products;   // lower case: "meeting server", "expressway-e", ...
    std::vector<std::string> words;      // of the key, singular, lower case: "password"
    std::vector<std::string> identities; // lower case: "meet.example.com", "443"

    nlohmann::ordered_json Json() const;
    static ChangedSetting FromJson(const nlohmann::ordered_json& j);
};

// `variant` is the variant file's document, whose mutation block names the setting.
ChangedSetting DescribeChange(const nlohmann::ordered_json& variant);

// The words of a key or of a product's text: split at '_', ' ', punctuation and camelCase
// ("tcpPortNumberOverride" -> tcp port number override), lower case, a plural's "s" cut.
std::vector<std::string> Words(const std::string& text);
std::string LowerCase(std::string s);

} // namespace cmslab::sweep
