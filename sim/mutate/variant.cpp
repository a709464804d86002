#include "mutate/variant.h"

#include "scenario/loader.h"

#include <cstdio>

namespace cmslab::mutate {

using ojson = nlohmann::ordered_json;

ojson SettingsOf(ojson document) {
    for (const char* key : {"name", "description", "expect", "mutation"})
        document.erase(key);
    return document;
}

Variant MakeVariant(const ojson& source, const Mutation& m, std::size_t index,
                    const std::string& source_file, const std::string& source_sha256) {
    Variant v;
    const std::string source_name = source.contains("name") && source["name"].is_string()
                                        ? source["name"].get<std::string>()
                                        : "scenario";
    char number[16];
    std::snprintf(number, sizeof number, "%03zu", index);
    v.name = source_name + "-" + number + "-" + m.kind;
    ojson doc = source.patch(m.patch);
    doc["name"] = v.name;
    doc["description"] = source_name + " with one setting changed (" + m.kind + "): " + m.change +
                         ". Made by cmslab mutate; no expected outcome: run it to see what breaks.";
    doc.erase("expect");
    doc["mutation"] = {{"source", source_file}, {"source_sha256", source_sha256},
                       {"kind", m.kind},        {"setting", m.setting},
                       {"change", m.change},    {"patch", m.patch}};
    v.document = std::move(doc);
    const auto loaded =
        scenario::LoadScenarioFromString(v.document.dump(2) + "\n", v.name + ".json");
    if (!loaded.Ok())
        for (const auto& d : loaded.diagnostics)
            if (d.severity == scenario::Severity::Error)
                v.refused += d.ToString() + "\n";
    return v;
}

} // namespace cmslab::mutate
