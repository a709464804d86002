// Reading a scenario file: JSON syntax, the scenario schema (keys, types, required keys,
// defaults), the syntax of every address, prefix, name, URL and port, and the checks that
// need the whole deployment (references between parts, addresses inside their networks,
// duplicates, reachability of DNS servers through the topology graph). Every problem is
// reported, not just the first; nothing is simulated from a file with errors.
#pragma once

#include "scenario/diagnostic.h"
#include "scenario/scenario.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cmslab::scenario {

struct LoadResult {
    std::optional<Scenario> scenario;    // set when there is no error
    std::vector<Diagnostic> diagnostics; // errors and warnings, in file order of discovery
    // JSON pointers of the keys the model builder asked for, whether the file set them or
    // not (a default is a reading too). The schema walk test holds every schema key to
    // being read here or marked x-cmslab-unmodelled.
    std::set<std::string> read_keys;

    bool Ok() const { return scenario.has_value(); }
    std::size_t ErrorCount() const;
    std::size_t WarningCount() const;
    std::size_t NotSimulatedCount() const; // of the warnings, those that say "not simulated"
    // One diagnostic per line, as Diagnostic::ToString.
    std::string Report() const;
    // The same without the not-simulated warnings: the errors and the warnings about the
    // file's own values.
    std::string ReportWithoutNotSimulated() const;
};

// Reads and validates a scenario file. Diagnostics name the file as `path`.
LoadResult LoadScenario(const std::string& path);

// The same for text already in memory; `label` stands for the file name in diagnostics
// and becomes Scenario::source_path.
LoadResult LoadScenarioFromString(const std::string& text, const std::string& label);

} // namespace cmslab::scenario
