#include "scenario/loader.h"

#include "scenario/loader_context.h"
#include "scenario/schema_validator.h"
#include "scenario/source_digest.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace cmslab::scenario {

using nlohmann::json;

namespace {

// Parses JSON and reports keys given twice in one object: the parser would keep one of
// them without a word, and a setting would be lost.
std::optional<json> ParseJson(const std::string& text, Diagnostics& diags) {
    struct Frame {
        bool is_array = false;
        std::size_t index = 0;
        std::string key;
        std::set<std::string> keys;
    };
    std::vector<Frame> stack;
    auto pointer = [&stack] {
        std::string p;
        for (const auto& f : stack)
            p = f.is_array ? JoinPointer(p, f.index) : JoinPointer(p, f.key);
        return p;
    };
    auto callback = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
            stack.push_back(Frame{});
            break;
        case json::parse_event_t::array_start:
            stack.emplace_back();
            stack.back().is_array = true;
            break;
        case json::parse_event_t::key:
            if (!stack.empty()) {
                auto& top = stack.back();
                top.key = parsed.get<std::string>();
                if (!top.keys.insert(top.key).second)
                    diags.Error(pointer(), "key \"" + top.key +
                                               "\" appears twice in this object; only one "
                                               "would be used");
            }
            break;
        case json::parse_event_t::value:
            if (!stack.empty() && stack.back().is_array)
                ++stack.back().index;
            break;
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            if (!stack.empty())
                stack.pop_back();
            if (!stack.empty() && stack.back().is_array)
                ++stack.back().index;
            break;
        }
        return true;
    };
    // The parser's message without its "[json.exception.parse_error.101] " tag.
    auto message = [](const json::exception& e) {
        std::string what = e.what();
        const auto close = what.find("] ");
        return close == std::string::npos ? what : what.substr(close + 2);
    };
    try {
        return json::parse(text, callback);
    } catch (const json::parse_error& e) {
        diags.Error("", "not valid JSON: " + message(e));
    } catch (const json::out_of_range& e) {
        // RFC 8259 (section 6) lets a parser limit the range of numbers; this one stops at
        // a double's (a number such as 1e999). Said where the number stands.
        diags.Error(pointer(),
                    "not a usable JSON number: " + message(e) + " (beyond the range of a double)");
    } catch (const json::exception& e) {
        diags.Error(pointer(), "not usable JSON: " + message(e));
    }
    return std::nullopt;
}

void WalkUnread(const json& value, const std::string& pointer, detail::Context& ctx) {
    if (value.is_object()) {
        for (const auto& [key, sub] : value.items()) {
            const auto at = JoinPointer(pointer, key);
            if (!ctx.read.count(at))
                ctx.diags.Warning(at, "the lab does not read this key; it has no effect");
            // expect: kept as written for the outcome check; mutation: the record of how
            // `cmslab mutate` made this file, for `cmslab sweep`, not a setting.
            else if (at != "/expect" && at != "/mutation")
                WalkUnread(sub, at, ctx);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            WalkUnread(value[i], JoinPointer(pointer, i), ctx);
    }
}

} // namespace

namespace detail {

void ReportUnread(const json& document, Context& ctx) {
    WalkUnread(document, "", ctx);
}

} // namespace detail

std::size_t LoadResult::ErrorCount() const {
    std::size_t n = 0;
    for (const auto& d : diagnostics)
        n += d.severity == Severity::Error;
    return n;
}

std::size_t LoadResult::WarningCount() const {
    return diagnostics.size() - ErrorCount();
}

std::size_t LoadResult::NotSimulatedCount() const {
    return static_cast<std::size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.not_simulated; }));
}

std::string LoadResult::Report() const {
    std::string out;
    for (const auto& d : diagnostics)
        out += d.ToString() + "\n";
    return out;
}

std::string LoadResult::ReportWithoutNotSimulated() const {
    std::string out;
    for (const auto& d : diagnostics)
        if (!d.not_simulated)
            out += d.ToString() + "\n";
    return out;
}

LoadResult LoadScenarioFromString(const std::string& text, const std::string& label) {
    Diagnostics diags(label);
    LoadResult result;
    auto document = ParseJson(text, diags);
    if (document && !document->is_object())
        diags.Error("", "a scenario is a JSON object, not " + std::string(document->type_name()));
    if (diags.ErrorCount() == 0 && document) {
        static const SchemaValidator validator(ScenarioSchema());
        validator.Validate(*document, diags);
        detail::Context ctx(diags);
        Scenario s = detail::BuildModel(*document, ctx);
        detail::CheckModel(s, ctx);
        detail::CheckExpect(s, ctx);
        if (diags.ErrorCount() == 0)
            detail::ReportUnread(*document, ctx);
        result.read_keys = ctx.read;
        if (diags.ErrorCount() == 0) {
            s.source_path = label;
            s.source_sha256 = Sha256Hex(text);
            result.scenario = std::move(s);
        }
    }
    result.diagnostics = std::move(diags.All());
    return result;
}

LoadResult LoadScenario(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        LoadResult r;
        r.diagnostics.push_back({Severity::Error, path, "", "is a directory, not a scenario file"});
        return r;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadResult r;
        r.diagnostics.push_back(
            {Severity::Error, path, "", std::string("cannot read: ") + std::strerror(errno)});
        return r;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return LoadScenarioFromString(text.str(), path);
}

} // namespace cmslab::scenario
