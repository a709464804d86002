// A mutation made into a scenario file of its own: the source with the patch applied, its
// own name, a description saying what changed, no expect block (the source's expected
// outcome is not this file's), and the `mutation` block that records it all. Then checked
// by the scenario loader exactly as `cmslab validate` checks a file.
#pragma once

#include "mutate/mutation.h"

#include <nlohmann/json.hpp>

#include <string>

namespace cmslab::mutate {

struct Variant {
    std::string name;
    nlohmann::ordered_json document;
    std::string refused; // the validator's errors, one per line; "" when it is valid
};

// `index` numbers the variant within its source (names are "<source name>-<index>-<kind>").
// `source_file` is the source's file name as the mutation block records it.
Variant MakeVariant(const nlohmann::ordered_json& source, const Mutation& m, std::size_t index,
                    const std::string& source_file, const std::string& source_sha256);

// The variant's settings without its bookkeeping (name, description, expect, mutation):
// what must equal the source's with the patch applied, and what a test compares.
nlohmann::ordered_json SettingsOf(nlohmann::ordered_json document);

} // namespace cmslab::mutate
