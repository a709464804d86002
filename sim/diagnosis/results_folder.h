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
#include <vector>

namespace cmslab::diagnosis {

struct LogLine {
    std::string file;     // relative to the folder: "logs/cms.log"
    std::size_t line = 0; // 1-based
    std::string text;
};

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
    // Lines of the node's log containing every one of `parts`, in file order.
    std::vector<LogLine> Grep(const std::string& node, const std::vector<std::string>& parts) const;
    std::optional<LogLine> First(const std::string& node,
                                 const std::vector<std::string>& parts) const;
    // The same over the logs of every node with the role.
    std::vector<LogLine> GrepRole(const std::string& role,
                                  const std::vector<std::string>& parts) const;
    std::optional<LogLine> FirstInRole(const std::string& role,
                                       const std::vector<std::string>& parts) const;

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
