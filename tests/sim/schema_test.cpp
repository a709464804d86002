// The scenario schema is the one list of keys, types and defaults: the loader enforces it
// through its own validator, editors and CI through any JSON Schema implementation. These
// tests keep the two readings, the file, the built-in copy and the README in agreement.
#include "scenario_test_util.h"

#include "scenario/schema_validator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/wait.h>

namespace cmslab::scenario {
namespace {

using nlohmann::json;
using test::ReadFile;
using test::SourcePath;

const char* const kPython = "/usr/bin/python3"; // Debian's, where python3-jsonschema lives

std::string SchemaPath() {
    return SourcePath("scenarios/schema/scenario.schema.json");
}

struct TempDir {
    TempDir() {
        char tmpl[] = "/tmp/cmslab-schema-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string path;
};

struct Outcome {
    int status = -1;
    std::string output;
};

// Runs the independent validator over files; its report lines are "<file>: <ptr>: <msg>".
Outcome RunPythonValidator(const std::vector<std::string>& files, const std::string& dir) {
    std::string cmd = std::string(kPython) + " " + SourcePath("tests/sim/jsonschema_check.py") +
                      " " + SchemaPath();
    for (const auto& f : files)
        cmd += " '" + f + "'";
    cmd += " > '" + dir + "/python.out' 2>&1";
    Outcome o;
    const int rc = std::system(cmd.c_str());
    o.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    o.output = ReadFile(dir + "/python.out");
    return o;
}

TEST(ScenarioSchema, UsesOnlyKeywordsTheLoaderEnforces) {
    SchemaValidator v(ScenarioSchema());
    EXPECT_TRUE(v.UnsupportedKeywords().empty())
        << ::testing::PrintToString(v.UnsupportedKeywords());
}

TEST(ScenarioSchema, BuiltInCopyIsTheFile) {
    EXPECT_EQ(ScenarioSchema(), json::parse(ReadFile(SchemaPath())))
        << "rebuild: the schema file changed after the loader was built";
}

TEST(ScenarioSchema, ScenariosValidateWithAnIndependentValidator) {
    TempDir dir;
    auto broken = test::ReferenceJson();
    broken["nodes"][0]["interfaces"][0]["adress"] = "1.2.3.4";
    std::ofstream(dir.path + "/broken.json") << broken.dump();
    auto o = RunPythonValidator({SourcePath("scenarios/reference.json"),
                                 SourcePath("tests/sim/data/other-deployment.json")},
                                dir.path);
    ASSERT_NE(o.status, 3) << o.output << "\ninstall python3-jsonschema (tools/setup)";
    EXPECT_EQ(o.status, 0) << o.output;
    // And it is a validator that can say no.
    o = RunPythonValidator({dir.path + "/broken.json"}, dir.path);
    EXPECT_EQ(o.status, 1) << o.output;
    EXPECT_NE(o.output.find("adress"), std::string::npos) << o.output;
}

// Variants of a valid document: each key removed, an unknown key added to each object, each
// scalar replaced by a value of another type.
void Variants(const json& doc, const json::json_pointer& at, const json& root,
              std::vector<json>& out) {
    const json& v = root[at];
    if (v.is_object()) {
        json added = root;
        added[at]["zz_unknown"] = 1;
        out.push_back(added);
        for (const auto& [key, sub] : v.items()) {
            json removed = root;
            removed[at].erase(key);
            out.push_back(removed);
            Variants(doc, at / key, root, out);
        }
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            Variants(doc, at / i, root, out);
    } else {
        json changed = root;
        changed[at] = v.is_string() ? json(12345) : json("a string");
        out.push_back(changed);
    }
}

TEST(ScenarioSchema, LoaderValidatorAgreesWithTheIndependentOne) {
    TempDir dir;
    std::vector<json> variants;
    for (const auto* file : {"scenarios/reference.json", "tests/sim/data/other-deployment.json"}) {
        const auto doc = json::parse(ReadFile(SourcePath(file)));
        Variants(doc, json::json_pointer(), doc, variants);
    }
    ASSERT_GT(variants.size(), 500u);
    // python3-jsonschema takes about 20 ms a document: an even sample of about 200 variants
    // (every kind, all over the document) keeps the test to a few seconds.
    const std::size_t stride = variants.size() / 200 + 1;
    std::vector<json> sample;
    for (std::size_t i = 0; i < variants.size(); i += stride)
        sample.push_back(std::move(variants[i]));
    variants = std::move(sample);
    std::vector<std::string> files;
    std::vector<bool> ours;
    const SchemaValidator validator(ScenarioSchema());
    for (std::size_t i = 0; i < variants.size(); ++i) {
        files.push_back(dir.path + "/v" + std::to_string(i) + ".json");
        std::ofstream(files.back()) << variants[i].dump();
        Diagnostics diags("v");
        json copy = variants[i];
        ours.push_back(validator.Validate(copy, diags) && diags.ErrorCount() == 0);
    }
    auto o = RunPythonValidator(files, dir.path);
    ASSERT_NE(o.status, 3) << o.output;
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const bool theirs = o.output.find(files[i] + ":") == std::string::npos;
        rejected += !theirs;
        EXPECT_EQ(ours[i], theirs)
            << "variant " << i << ": " << variants[i].dump().substr(0, 300) << "\n"
            << (theirs ? "accepted" : "rejected") << " by python3-jsonschema";
    }
    EXPECT_GT(rejected, variants.size() / 3); // the variants do test something
}

// The README's key reference: one section per object of the schema, one row per key with
// its default.
void Sections(const json& schema, const json& node, const std::string& title,
              std::map<std::string, const json*>& out) {
    if (!node.contains("properties") || node["properties"].empty())
        return;
    out[title] = &node;
    for (const auto& [key, sub] : node["properties"].items()) {
        if (sub.contains("$ref"))
            continue; // documented in its own section
        Sections(schema, sub, title + "." + key, out);
        if (sub.contains("items") && !sub["items"].contains("$ref"))
            Sections(schema, sub["items"], title + "." + key + "[]", out);
    }
}

TEST(ScenarioSchema, ReadmeDocumentsEveryKeyAndDefault) {
    const auto& schema = ScenarioSchema();
    const auto readme = ReadFile(SourcePath("scenarios/README.md"));
    std::map<std::string, const json*> sections;
    Sections(schema, schema, "scenario", sections);
    for (const auto& [name, def] : schema["$defs"].items())
        Sections(schema, def, name, sections);
    for (const auto& [title, node] : sections) {
        const auto heading = "### `" + title + "`";
        const auto start = readme.find(heading);
        ASSERT_NE(start, std::string::npos) << "README lacks section " << heading;
        const auto end = readme.find("\n### ", start + 1);
        const auto body = readme.substr(start, end == std::string::npos ? end : end - start);
        for (const auto& [key, sub] : (*node)["properties"].items()) {
            const auto row = body.find("| `" + key + "` |");
            ASSERT_NE(row, std::string::npos) << heading << " lacks key " << key;
            const auto line = body.substr(row, body.find('\n', row) - row);
            if (sub.contains("default")) {
                EXPECT_NE(line.find("`" + sub["default"].dump() + "`"), std::string::npos)
                    << heading << " " << key << " should show default " << sub["default"].dump();
            }
        }
    }
}

} // namespace
} // namespace cmslab::scenario
