// Checks a JSON document against the subset of JSON Schema (draft 2020-12) that the
// scenario schema uses, and fills in the schema's defaults. The scenario schema is the one
// place that lists keys, types, required keys and defaults; this is how the loader
// enforces it, so an editor's validator and the lab agree.
//
// Keywords understood: $ref (to #/$defs/...), type, enum, const, minimum, maximum,
// exclusiveMinimum, minLength, minItems, properties, required, additionalProperties,
// items, allOf, if/then/else; annotations (title, description, default, ...) and the
// extension x-cmslab-unmodelled (a present key is reported as a warning).
#pragma once

#include "scenario/diagnostic.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cmslab::scenario {

class SchemaValidator {
  public:
    explicit SchemaValidator(nlohmann::json schema);

    // Reports every violation into `out`, and inserts the default of every absent key
    // that has one (nested defaults too). Returns true if nothing was violated.
    bool Validate(nlohmann::json& instance, Diagnostics& out) const;

    // Keywords (as "pointer: keyword") that this validator would not enforce.
    std::vector<std::string> UnsupportedKeywords() const;

    const nlohmann::json& Schema() const { return m_schema; }

    // The schema node for the document location `pointer` of a valid document, following
    // properties, items and $ref (not conditionals); null if there is none.
    const nlohmann::json* SchemaAt(const std::string& pointer) const;

  private:
    bool Check(nlohmann::json& instance, const nlohmann::json& schema, const std::string& pointer,
               Diagnostics* out) const;
    bool CheckObject(nlohmann::json& instance, const nlohmann::json& schema,
                     const std::string& pointer, Diagnostics* out) const;
    const nlohmann::json& Resolve(const nlohmann::json& schema) const;

    nlohmann::json m_schema;
};

// The scenario schema (scenarios/schema/scenario.schema.json), built into the program.
const nlohmann::json& ScenarioSchema();

} // namespace cmslab::scenario
