#include "sweep/manifest.h"

#include "scenario/loader.h"
#include "scenario/names.h"
#include "scenario/source_digest.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace cmslab::sweep {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

Expected<SweepEntry> ReadEntry(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{path.string() + ": cannot read"};
    std::ostringstream text;
    text << in.rdbuf();
    const ojson doc = ojson::parse(text.str(), nullptr, false);
    if (!doc.is_object() || !doc.contains("name") || !doc["name"].is_string())
        return Error{path.string() + ": not a scenario file (a JSON object with a name)"};
    SweepEntry e;
    e.name = doc["name"].get<std::string>();
    // The name becomes the result folder DIR/<name>: the scenario format's own name rule
    // (the loader's), so that no name reaches outside DIR.
    if (!scenario::IsValidName(e.name))
        return Error{path.string() + ": the name \"" + e.name +
                     "\" is not a scenario name (letters, digits, '.', '_' and '-', at most 64, "
                     "not starting with '.')"};
    e.file = fs::absolute(path).lexically_normal().string();
    e.sha256 = scenario::Sha256Hex(text.str());
    if (doc.contains("mutation")) {
        // The block and the settings it names are read by the schema's types, which only a
        // file that loads is held to (one `cmslab mutate` wrote always does).
        const auto loaded = scenario::LoadScenarioFromString(text.str(), path.string());
        if (!loaded.Ok())
            return Error{path.string() + ": has a mutation block but is not a valid scenario (" +
                         std::to_string(loaded.ErrorCount()) +
                         (loaded.ErrorCount() == 1 ? " error" : " errors") + "; `cmslab validate " +
                         path.string() + "` lists them)"};
        const ojson& m = doc["mutation"];
        e.kind = m.value("kind", "");
        e.setting = m.value("setting", "");
        e.change = m.value("change", "");
        if (m.contains("patch"))
            e.patch = m["patch"];
        e.changed = DescribeChange(doc);
    }
    return e;
}

ojson EntryJson(const SweepEntry& e) {
    return {{"name", e.name},       {"file", e.file},
            {"sha256", e.sha256},   {"kind", e.kind},
            {"setting", e.setting}, {"change", e.change},
            {"patch", e.patch},     {"changed", e.changed.Json()}};
}

// Why a manifest entry is not as WriteManifest writes it, or "" when it is.
std::string EntryProblem(const ojson& v) {
    if (!v.is_object())
        return "not an object";
    for (const char* key : {"name", "file", "sha256", "kind", "setting", "change"})
        if (v.contains(key) && !v[key].is_string())
            return std::string(key) + " is not a string";
    // The merge reads DIR/<name>: a hand-edited name must not lead it elsewhere.
    if (!v.contains("name") || !scenario::IsValidName(v["name"].get<std::string>()))
        return "name is not a scenario name (letters, digits, '.', '_' and '-', at most 64, not "
               "starting with '.')";
    if (v.contains("changed")) {
        const ojson& c = v["changed"];
        if (!c.is_object())
            return "changed is not an object";
        for (const char* key : {"products", "words", "identities"})
            if (c.contains(key) &&
                (!c[key].is_array() || !std::all_of(c[key].begin(), c[key].end(),
                                                    [](const ojson& x) { return x.is_string(); })))
                return std::string("changed/") + key + " is not a list of strings";
    }
    return "";
}

} // namespace

Expected<Manifest> BuildManifest(const std::vector<std::string>& files_or_dirs) {
    std::vector<fs::path> files;
    for (const auto& arg : files_or_dirs) {
        std::error_code ec;
        if (fs::is_directory(arg, ec)) {
            std::vector<fs::path> in_dir;
            for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec))
                if (it->path().extension() == ".json" && it->is_regular_file(ec) &&
                    it->path().filename() != kManifestFile && it->path().filename() != "sweep.json")
                    in_dir.push_back(it->path());
            std::sort(in_dir.begin(), in_dir.end());
            files.insert(files.end(), in_dir.begin(), in_dir.end());
        } else if (fs::exists(arg, ec)) {
            files.emplace_back(arg);
        } else {
            return Error{arg + ": no such file or folder"};
        }
    }
    Manifest m;
    std::set<std::string> names;
    std::string ids;
    for (const auto& f : files) {
        auto e = ReadEntry(f);
        if (!e)
            return Error{e.Message()};
        if (!names.insert(e->name).second)
            return Error{f.string() + ": a second scenario named \"" + e->name +
                         "\" (each result folder is named for its scenario)"};
        ids += e->name + " " + e->sha256 + "\n";
        m.entries.push_back(std::move(*e));
    }
    if (m.entries.empty())
        return Error{"no scenario file (*.json) to sweep"};
    m.id = scenario::Sha256Hex(ids).substr(0, 16);
    return m;
}

Expected<bool> WriteManifest(const Manifest& m, const std::string& dir) {
    ojson j = {{"sweep", m.id}, {"variants", ojson::array()}};
    for (const auto& e : m.entries)
        j["variants"].push_back(EntryJson(e));
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::ofstream out(fs::path(dir) / kManifestFile, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out)
        return Error{"cannot write " + (fs::path(dir) / kManifestFile).string()};
    return true;
}

Expected<Manifest> ReadManifest(const std::string& dir) {
    const fs::path path = fs::path(dir) / kManifestFile;
    std::ifstream in(path);
    if (!in)
        return Error{path.string() + ": cannot read (is " + dir +
                     " a folder that `cmslab sweep --out` or `--emit-jobs` made?)"};
    const ojson j = ojson::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("variants") || !j["variants"].is_array() ||
        !j.contains("sweep") || !j["sweep"].is_string())
        return Error{path.string() + ": not a sweep manifest"};
    Manifest m;
    m.id = j["sweep"].get<std::string>();
    std::set<std::string> names;
    for (std::size_t i = 0; i < j["variants"].size(); ++i) {
        const ojson& v = j["variants"][i];
        std::string problem = EntryProblem(v);
        if (problem.empty() && !names.insert(v["name"].get<std::string>()).second)
            problem = "a second variant named \"" + v["name"].get<std::string>() + "\"";
        if (!problem.empty())
            return Error{path.string() + ": not a sweep manifest (variants/" + std::to_string(i) +
                         ": " + problem + ")"};
        SweepEntry e;
        e.name = v.value("name", "");
        e.file = v.value("file", "");
        e.sha256 = v.value("sha256", "");
        e.kind = v.value("kind", "");
        e.setting = v.value("setting", "");
        e.change = v.value("change", "");
        if (v.contains("patch"))
            e.patch = v["patch"];
        if (v.contains("changed"))
            e.changed = ChangedSetting::FromJson(v["changed"]);
        m.entries.push_back(std::move(e));
    }
    return m;
}

} // namespace cmslab::sweep
