// A run's results folder as the diagnosis reads it: summary.json (the guest's stages,
// screen and media), each box's log with line numbers, each box's status page, and the
// captures. Boxes are found by the role their status page names, never by node name:
// a user's deployment calls its boxes what it likes.
#pragma once

#include "common/expected.h"
#include "outcome/outcome.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::diagnosis {

struct LogLine {
    std::string file;      // relative to the folder: "logs/cms.log"
    std::size_t line = 0;  // 1-based
    std::string text;      // the whole line, as cited
    std::string node;      // whose log: "cms"
    std::string component; // from the box log prefix ("turn", "Warning"); "" without one
    std::string message;   // the text after the prefix: what log_lines/ parsers read
};

// A log line that one of log_lines/'s parsers read, with what it read.
template <class Line> struct Found {
    LogLine log;
    Line line;
};
// log_lines::TurnAllocate::Parse and its kind.
template <class Line> using LineParser = std::optional<Line> (*)(std::string_view);

class ResultsFolder {
  public:
    // Errors (an unusable folder): it is not a folder, summary.json is missing or not
    // JSON, or its stages / guest_view / media cannot be read. A missing or unreadable
    // log, status page or capture is not an error: the diagnosis says less.
    static Expected<ResultsFolder> Open(const std::string& dir);
    // For tests and for a summary held in memory: the same without reading summary.json.
    static Expected<ResultsFolder> FromSummary(const std::string& dir, nlohmann::json summary);

    const std::string& Dir() const { return m_dir; }
    const nlohmann::json& Summary() const { return m_summary; }
    const outcome::Outcome& Outcome() const { return m_outcome; }

    // Node names by role ("cms", "expressway_c", "expressway_e", "nat_firewall",
    // "dns_server", "browser"), from status pages and the summary's "devices".
    std::vector<std::string> NodesWithRole(const std::string& role) const;
    // The role of a node ("" when unknown).
    std::string RoleOf(const std::string& node) const;

    // logs/<node>.log, line by line; empty when there is none.
    const std::vector<LogLine>& Log(const std::string& node) const;
    // Lines of the node's log that `parse` reads (a log_lines/ parser), in file order.
    template <class Line>
    std::vector<Found<Line>> Find(const std::string& node, LineParser<Line> parse) const {
        std::vector<Found<Line>> out;
        for (const LogLine& l : Log(node))
            if (auto line = parse(l.message))
                out.push_back(Found<Line>{l, std::move(*line)});
        return out;
    }
    template <class Line>
    std::optional<Found<Line>> First(const std::string& node, LineParser<Line> parse) const {
        for (const LogLine& l : Log(node))
            if (auto line = parse(l.message))
                return Found<Line>{l, std::move(*line)};
        return std::nullopt;
    }
    // The same over the logs of every node with the role.
    template <class Line>
    std::vector<Found<Line>> FindInRole(const std::string& role, LineParser<Line> parse) const {
        std::vector<Found<Line>> out;
        for (const std::string& node : NodesWithRole(role))
            for (Found<Line>& f : Find(node, parse))
                out.push_back(std::move(f));
        return out;
    }
    template <class Line>
    std::optional<Found<Line>> FirstInRole(const std::string& role, LineParser<Line> parse) const {
        for (const std::string& node : NodesWithRole(role))
            if (auto f = First(node, parse))
                return f;
        return std::nullopt;
    }

    // status/<node>.json; null when there is none.
    const nlohmann::json& Status(const std::string& node) const;
    // The role's own object in the first status page of that role (status["cms"] of the
    // CMS), with the node's name; null when there is none.
    const nlohmann::json& RoleStatus(const std::string& role, std::string* node = nullptr) const;

    // pcap/*.pcap relative to the folder ("pcap/public.pcap"), sorted.
    const std::vector<std::string>& Captures() const { return m_captures; }

  private:
    void Load();

    std::string m_dir;
    nlohmann::json m_summary;
    outcome::Outcome m_outcome;
    std::map<std::string, std::vector<LogLine>> m_logs;
    std::map<std::string, nlohmann::json> m_status;
    std::map<std::string, std::string> m_roles;
    std::vector<std::string> m_captures;
};

// Reads a JSON value at a dotted path ("cms.web_bridge_link.host"); null when absent.
const nlohmann::json& At(const nlohmann::json& value, const std::string& dotted);
// A string at a path, or "" when absent or not a string.
std::string StringAt(const nlohmann::json& value, const std::string& dotted);

} // namespace cmslab::diagnosis
