#include "check/run_files.h"

#include "guest_outcome/stage.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cmslab::check {

namespace {

std::optional<std::string> ReadText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<nlohmann::json> ReadJson(const std::string& path) {
    auto text = ReadText(path);
    if (!text)
        return std::nullopt;
    auto value = nlohmann::json::parse(*text, nullptr, false);
    if (value.is_discarded())
        return std::nullopt;
    return value;
}

} // namespace

std::optional<nlohmann::json> ReadSummary(const std::string& dir) {
    auto summary = ReadJson(dir + "/summary.json");
    if (!summary || !summary->is_object())
        return std::nullopt;
    return summary;
}

std::optional<std::vector<std::string>> ReadLog(const std::string& dir, const std::string& node) {
    auto text = ReadText(dir + "/logs/" + node + ".log");
    if (!text)
        return std::nullopt;
    std::vector<std::string> lines;
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
    }
    return lines;
}

std::optional<nlohmann::json> ReadStatus(const std::string& dir, const std::string& node) {
    return ReadJson(dir + "/status/" + node + ".json");
}

std::vector<std::string> NodeFiles(const std::string& folder, const std::string& extension) {
    std::vector<std::string> names;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end;
         it.increment(ec)) {
        const auto path = it->path();
        // <node>@<second>.json: a status page at a moment of the run, not a node's own.
        if (path.extension() == extension && it->is_regular_file(ec) &&
            path.stem().string().find('@') == std::string::npos)
            names.push_back(path.stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> StageOrder(const nlohmann::json& stages) {
    std::vector<std::string> order;
    if (!stages.is_object())
        return order;
    for (outcome::Stage stage : outcome::kAllStages)
        if (stages.contains(outcome::StageKey(stage)))
            order.push_back(outcome::StageKey(stage));
    for (const auto& [name, _] : stages.items())
        if (!outcome::StageFromKey(name))
            order.push_back(name);
    return order;
}

} // namespace cmslab::check
