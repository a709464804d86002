// No setting read but ignored: every key of the scenario schema is either read by the
// model builder (the loader records each key it asks for, set or defaulted) or marked
// x-cmslab-unmodelled, which makes the loader warn "not simulated" when a file sets it.
// A key added to the schema and to nothing else fails here, before any file sets it.
#include "scenario_test_util.h"

#include "scenario/loader.h"
#include "scenario/schema_validator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

namespace cmslab::scenario {
namespace {

using nlohmann::json;

const char* const kMark = "x-cmslab-unmodelled";

const json& Resolve(const json& root, const json& node) {
    if (node.is_object() && node.contains("$ref")) {
        const std::string ref = node["$ref"].get<std::string>();
        const std::string prefix = "#/$defs/";
        if (ref.rfind(prefix, 0) == 0)
            return root["$defs"][ref.substr(prefix.size())];
    }
    return node;
}

bool Marked(const json& root, const json& node) {
    return node.contains(kMark) || Resolve(root, node).contains(kMark);
}

// Every key path of the schema ("/nodes/*/config/spaces/*/name": "*" for an array element
// or a map entry) to whether it, or an object above it, is marked.
void WalkSchema(const json& root, const json& node, const std::string& path, bool marked,
                std::map<std::string, bool>& keys, int depth = 0) {
    ASSERT_LT(depth, 32) << "schema nesting too deep at " << path;
    const json& n = Resolve(root, node);
    if (!n.is_object())
        return;
    if (n.contains("properties")) {
        for (const auto& [key, sub] : n["properties"].items()) {
            const std::string at = path + "/" + key;
            const bool m = marked || Marked(root, sub);
            keys[at] = m;
            WalkSchema(root, sub, at, m, keys, depth + 1);
        }
    }
    // Role-dependent parts (allOf of if/then: a cms node's config is a cms_config): the
    // keys of every branch belong to the same place in the document.
    for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
        if (!n.contains(combinator))
            continue;
        for (const auto& branch : n[combinator]) {
            for (const char* part : {"then", "else"})
                if (branch.contains(part))
                    WalkSchema(root, branch[part], path, marked, keys, depth + 1);
            if (!branch.contains("if"))
                WalkSchema(root, branch, path, marked, keys, depth + 1);
        }
    }
    if (n.contains("items"))
        WalkSchema(root, n["items"], path + "/*", marked, keys, depth + 1);
    if (n.contains("additionalProperties") && n["additionalProperties"].is_object())
        WalkSchema(root, n["additionalProperties"], path + "/*", marked, keys, depth + 1);
}

// A document pointer with its array indexes as "*", to compare with schema paths.
std::string Normalise(const std::string& pointer) {
    std::string out;
    std::size_t at = 0;
    while (at < pointer.size()) {
        const std::size_t next = pointer.find('/', at + 1);
        const std::string token =
            pointer.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
        const bool index = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
        out += "/" + (index ? std::string("*") : token);
        at = next == std::string::npos ? pointer.size() : next;
    }
    return out;
}

std::vector<std::string> ScenarioFiles() {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(test::SourcePath("scenarios")))
        if (e.path().extension() == ".json")
            files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// The expect block is the outcome check's and mutation is `cmslab mutate`'s record: neither
// is a setting of the deployment (the loader's unread-key warning skips them too).
bool NotASetting(const std::string& path) {
    return path.rfind("/expect", 0) == 0 || path.rfind("/mutation", 0) == 0;
}

TEST(SchemaWalk, EveryKeyIsReadByTheModelOrMarkedNotSimulated) {
    std::map<std::string, bool> keys;
    WalkSchema(ScenarioSchema(), ScenarioSchema(), "", false, keys);
    ASSERT_GT(keys.size(), 100u) << "the walk missed the schema's structure";

    std::set<std::string> read;
    auto note_reads = [&](const LoadResult& r) {
        ASSERT_TRUE(r.Ok()) << r.Report();
        for (const auto& p : r.read_keys)
            read.insert(Normalise(p));
    };
    for (const auto& file : ScenarioFiles())
        note_reads(LoadScenario(file));
    // Optional parts no scenario file sets: the builder asks for their keys only when the
    // part is there, so the reference gets them here.
    json reference = json::parse(test::ReadFile(test::SourcePath("scenarios/reference.json")));
    reference["guest"]["media_quality"] = {{"max_loss_percent", 100}, {"max_jitter_ms", 1000}};
    reference["guest"]["crowd"] = {{"guests", 2},         {"nodes", {"guest-pc"}},
                                   {"call_id", "100101"}, {"arrival", "poisson"},
                                   {"interval", 0.5},     {"media_duration", 2}};
    for (auto& node : reference["nodes"]) {
        if (node["role"] == "expressway_e") {
            node["config"]["turn"]["relay_capacity"] = 100;
            node["config"]["turn"]["per_user_quota"] = 10;
        }
        if (node["role"] == "cms")
            for (auto& space : node["config"]["spaces"])
                space["participant_limit"] = 50;
    }
    note_reads(LoadScenarioFromString(reference.dump(), "reference+optional.json"));
    std::vector<std::string> ignored;
    for (const auto& [path, marked] : keys) {
        if (!marked && !NotASetting(path) && !read.count(path))
            ignored.push_back(path);
    }
    EXPECT_TRUE(ignored.empty())
        << "schema keys neither read by the model builder (loading scenarios/*.json) nor marked "
        << kMark << ":\n"
        << ::testing::PrintToString(ignored);
}

// The three CMS settings the lab parses but no model uses are marked, and setting them
// gives the loader's warning (the reference sets all three, as the source deployment does).
TEST(SchemaWalk, UnmodelledCmsSettingsWarnWhenSet) {
    const LoadResult r = LoadScenario(test::SourcePath("scenarios/reference.json"));
    ASSERT_TRUE(r.Ok()) << r.Report();
    std::set<std::string> warned;
    for (const auto& d : r.diagnostics)
        if (d.severity == Severity::Warning && d.message.rfind("not simulated: ", 0) == 0) {
            // Marked as such, so that `cmslab run` counts it with the others.
            EXPECT_TRUE(d.not_simulated) << d.ToString();
            warned.insert(Normalise(d.pointer));
        }
    for (const char* key : {"/nodes/*/config/web_bridge/web_bridge_uri",
                            "/nodes/*/config/web_bridge/guest_access_via_hyperlinks",
                            "/nodes/*/config/call_matching"})
        EXPECT_TRUE(warned.count(key)) << key << " set without a warning:\n" << r.Report();
}

// The walk itself: a marked key counts as marked, a key below a marked object too.
TEST(SchemaWalk, MarksReachKeysBelowThem) {
    std::map<std::string, bool> keys;
    WalkSchema(ScenarioSchema(), ScenarioSchema(), "", false, keys);
    bool any_marked = false;
    for (const auto& [path, marked] : keys) {
        any_marked = any_marked || marked;
        if (path.find("/call_matching/*/") != std::string::npos) {
            EXPECT_TRUE(marked) << path;
        }
    }
    EXPECT_TRUE(any_marked);
    EXPECT_EQ(Normalise("/nodes/4/config/spaces/0/name"), "/nodes/*/config/spaces/*/name");
}

} // namespace
} // namespace cmslab::scenario
