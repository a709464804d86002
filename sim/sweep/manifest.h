// The sweep's manifest, DIR/sweep-manifest.json: which variants the sweep runs, each with
// the SHA-256 of its file's text (which its run records in summary.json as
// source_sha256), its mutation, and what its change is called (changed_setting.h). Written
// before any run, by the built-in runner and by --emit-jobs alike; `--merge` reads it and
// the result folders, nothing else, so it works wherever the runs took place.
#pragma once

#include "common/expected.h"
#include "sweep/changed_setting.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cmslab::sweep {

struct SweepEntry {
    std::string name;                  // the scenario's name: the result folder is DIR/<name>
    std::string file;                  // absolute path of the scenario file
    std::string sha256;                // of the file's text
    std::string kind, setting, change; // from its mutation block ("" for a plain scenario)
    nlohmann::ordered_json patch = nlohmann::ordered_json::array();
    ChangedSetting changed;
};

struct Manifest {
    std::string id; // SHA-256 over the entries' names and hashes: one sweep, one id
    std::vector<SweepEntry> entries;
};

// The scenario files of FILES_OR_DIR: files as named, and each *.json of a named folder
// (not its subfolders: refused/ stays out; nor a sweep's own sweep.json and manifest), in
// name order. Each must parse as a JSON
// object with a name; two files of one name are refused (their results would collide).
Expected<Manifest> BuildManifest(const std::vector<std::string>& files_or_dirs);

inline const char* kManifestFile = "sweep-manifest.json";
Expected<bool> WriteManifest(const Manifest& m, const std::string& dir);
Expected<Manifest> ReadManifest(const std::string& dir);

} // namespace cmslab::sweep
