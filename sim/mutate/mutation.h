// One single-setting change of a scenario, as `cmslab mutate` derives it and as a variant
// file records it in its `mutation` block (scenarios/README.md, scenario.mutation).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cmslab::mutate {

struct Mutation {
    std::string kind;    // the schema's enumeration: "port_changed", "list_entry_removed", ...
    std::string setting; // RFC 6901 pointer of the changed setting in the source
    std::string change;  // what changed, in words
    // RFC 6902 patch: a "test" of the old value first (so that the patch refuses any other
    // source, and the old value stays on record), then the change.
    nlohmann::ordered_json patch = nlohmann::ordered_json::array();
};

} // namespace cmslab::mutate
