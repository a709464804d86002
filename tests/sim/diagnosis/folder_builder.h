// Crafted results folders for the rule tests: a summary whose stages pass up to a chosen
// failure, logs, status pages and captures, written into a private temp folder. Node
// names are not the reference deployment's, so a rule that keyed on names would fail.
#pragma once

#include "common/bytes.h"
#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace cmslab::diagnosis::test {

class FolderBuilder {
  public:
    FolderBuilder();

    // Every stage before `stage` ok, `stage` failed with `detail`, the rest not reached.
    FolderBuilder& FailAt(const std::string& stage, const std::string& detail);
    FolderBuilder& AllOk();
    FolderBuilder& Stage(const std::string& stage, const std::string& status,
                         const std::string& detail);
    FolderBuilder& Screen(const std::string& screen, const std::string& title = "",
                          const std::string& error_code = "");
    FolderBuilder& Url(const std::string& url);
    // Lines as they are, for damaged or foreign logs.
    FolderBuilder& Log(const std::string& node, const std::vector<std::string>& lines);
    // One line as a box writes it, "<date> <time.ms> <component>: <text>"; the text of a
    // line the diagnosis reads comes from its log_lines/ formatter.
    FolderBuilder& Line(const std::string& node, const std::string& component,
                        const std::string& text);
    FolderBuilder& Status(const std::string& node, const std::string& role,
                          const nlohmann::json& body);
    FolderBuilder& Device(const std::string& node, const std::string& role);
    FolderBuilder& Pcap(const std::string& name, const Bytes& file);
    // Writes everything and returns the folder.
    std::string Write();

    nlohmann::json& Summary() { return m_summary; }
    const testkit::TempDir& Dir() const { return m_dir; }

  private:
    testkit::TempDir m_dir;
    nlohmann::json m_summary;
    std::map<std::string, std::vector<std::string>> m_logs;
    std::map<std::string, nlohmann::json> m_status;
    std::map<std::string, Bytes> m_pcaps;
};

// Raw IPv4 UDP datagram carrying a STUN message (for testkit::PcapWriter).
struct StunSpec {
    std::uint8_t cls = 0; // 0 request, 2 success, 3 error
    std::uint16_t error = 0;
    bool integrity = false;
    std::string username;
    std::string realm;
    std::uint8_t id = 1; // transaction id byte, pairs a request with its answer
};
Bytes StunDatagram(const std::string& from, const std::string& to, const StunSpec& spec);

// The reference-like Expressway-E status page with TURN listening on `inside` and a
// firewall page mapping it to `outside`.
nlohmann::json ExpresswayEStatus(const std::string& inside, const std::string& services = "On");
nlohmann::json FirewallStatus(const std::string& inside, const std::string& outside);

} // namespace cmslab::diagnosis::test
