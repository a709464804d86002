#include "diagnosis/results_folder.h"

#include "box_log_line.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace cmslab::diagnosis {

namespace {

const nlohmann::json& Null() {
    static const nlohmann::json null;
    return null;
}

const std::vector<LogLine>& NoLines() {
    static const std::vector<LogLine> none;
    return none;
}

// Files in a folder with the given extension, as "<sub>/<name>", sorted.
std::vector<std::string> FilesIn(const std::string& dir, const std::string& sub,
                                 const std::string& ext) {
    std::vector<std::string> out;
    std::error_code ec;
    fs::directory_iterator it(fs::path(dir) / sub, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ext && it->is_regular_file(ec))
            out.push_back(sub + "/" + it->path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

const nlohmann::json& At(const nlohmann::json& value, const std::string& dotted) {
    const nlohmann::json* at = &value;
    std::size_t start = 0;
    while (start <= dotted.size()) {
        const std::size_t dot = std::min(dotted.find('.', start), dotted.size());
        const std::string key = dotted.substr(start, dot - start);
        if (!at->is_object())
            return Null();
        auto it = at->find(key);
        if (it == at->end())
            return Null();
        at = &*it;
        start = dot + 1;
    }
    return *at;
}

std::string StringAt(const nlohmann::json& value, const std::string& dotted) {
    const nlohmann::json& v = At(value, dotted);
    return v.is_string() ? v.get<std::string>() : std::string();
}

Expected<ResultsFolder> ResultsFolder::Open(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return Error{dir + ": not a folder"};
    const std::string path = (fs::path(dir) / "summary.json").string();
    std::ifstream in(path);
    if (!in)
        return Error{dir + ": no summary.json (is this the folder a run wrote?)"};
    nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
    if (summary.is_discarded())
        return Error{path + ": not JSON"};
    return FromSummary(dir, std::move(summary));
}

Expected<ResultsFolder> ResultsFolder::FromSummary(const std::string& dir, nlohmann::json summary) {
    auto outcome = outcome::OutcomeFromJson(summary);
    if (!outcome)
        return Error{dir + "/summary.json: " + outcome.Message()};
    ResultsFolder folder;
    folder.m_dir = dir;
    folder.m_summary = std::move(summary);
    folder.m_outcome = std::move(*outcome);
    folder.Load();
    return folder;
}

void ResultsFolder::Load() {
    for (const std::string& rel : FilesIn(m_dir, "logs", ".log")) {
        const std::string node = fs::path(rel).stem().string();
        std::ifstream in(fs::path(m_dir) / rel);
        std::vector<LogLine> lines;
        std::string text;
        std::size_t number = 0;
        while (std::getline(in, text)) {
            LogLine line{rel, ++number, text, node, "", text};
            // A line without the boxes' prefix (a user's own log) is read whole.
            if (auto prefixed = devices::ParseBoxLogLine(text)) {
                line.component = std::move(prefixed->component);
                line.message = std::move(prefixed->text);
            }
            lines.push_back(std::move(line));
        }
        m_logs[node] = std::move(lines);
    }
    for (const std::string& rel : FilesIn(m_dir, "status", ".json")) {
        // <node>@<second>.json are the pages at a moment of the run; the node's own page
        // is the one at the end.
        if (rel.find('@') != std::string::npos)
            continue;
        std::ifstream in(fs::path(m_dir) / rel);
        nlohmann::json page = nlohmann::json::parse(in, nullptr, false);
        if (page.is_discarded() || !page.is_object())
            continue;
        const std::string node = fs::path(rel).stem().string();
        if (page.contains("role") && page["role"].is_string())
            m_roles[node] = page["role"].get<std::string>();
        m_status[node] = std::move(page);
    }
    // Boxes without a status page (the browser) are named in the summary's devices.
    const nlohmann::json& devices = At(m_summary, "devices");
    if (devices.is_object()) {
        for (auto it = devices.begin(); it != devices.end(); ++it) {
            if (m_roles.count(it.key()) || !it->is_array() || it->empty() ||
                !it->front().is_string())
                continue;
            m_roles[it.key()] = it->front().get<std::string>();
        }
    }
    m_captures = FilesIn(m_dir, "pcap", ".pcap");
}

std::vector<std::string> ResultsFolder::NodesWithRole(const std::string& role) const {
    std::vector<std::string> out;
    for (const auto& [node, r] : m_roles)
        if (r == role)
            out.push_back(node);
    return out;
}

std::string ResultsFolder::RoleOf(const std::string& node) const {
    auto it = m_roles.find(node);
    return it == m_roles.end() ? std::string() : it->second;
}

const std::vector<LogLine>& ResultsFolder::Log(const std::string& node) const {
    auto it = m_logs.find(node);
    return it == m_logs.end() ? NoLines() : it->second;
}

const nlohmann::json& ResultsFolder::Status(const std::string& node) const {
    auto it = m_status.find(node);
    return it == m_status.end() ? Null() : it->second;
}

const nlohmann::json& ResultsFolder::RoleStatus(const std::string& role, std::string* node) const {
    for (const std::string& n : NodesWithRole(role)) {
        const nlohmann::json& page = Status(n);
        if (page.is_object() && page.contains(role)) {
            if (node)
                *node = n;
            return page.at(role);
        }
    }
    return Null();
}

} // namespace cmslab::diagnosis
