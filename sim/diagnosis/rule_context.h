// What every rule reads: the results folder, and facts derived from it once (the
// Expressway-E's public address, the STUN messages of each capture, the guest's URL).
#pragma once

#include "diagnosis/diagnosis.h"
#include "diagnosis/media_path.h"
#include "diagnosis/results_folder.h"
#include "diagnosis/stun_scan.h"
#include "log_lines/browser_lines.h"
#include "log_lines/expressway_e_lines.h"
#include "log_lines/firewall_lines.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cmslab::diagnosis {

struct CaptureStun {
    std::string file; // "pcap/public.pcap"
    std::vector<StunPacket> messages;
};

class RuleContext {
  public:
    explicit RuleContext(const ResultsFolder& folder);

    const ResultsFolder& Folder() const { return m_folder; }
    const outcome::StageRecord& Stage(outcome::Stage stage) const {
        return m_folder.Outcome().Get(stage);
    }
    // "summary.json stages.<key>" with the stage's detail.
    Evidence StageEvidence(outcome::Stage stage) const;

    // The host of the guest's URL ("" when the summary has none).
    std::string GuestHost() const;
    // The address the Expressway-E is known by outside: the NAT mapping of one of its
    // own addresses, or what its TURN server advertises. nullopt when the run shows none.
    std::optional<std::string> ExpresswayEPublic() const;
    // The Expressway-E's own addresses (from the listeners its status page shows).
    std::vector<std::string> ExpresswayEAddresses() const;

    // STUN messages of every capture, decoded on first use.
    const std::vector<CaptureStun>& Stun() const;
    // Each RTP stream's way across the captured segments, traced on first use.
    const std::vector<StreamPath>& MediaPaths() const;

    // The browser's line for a failed stage ("tcp failed: ..."), if it wrote one.
    std::optional<LogLine> BrowserFailedLine(outcome::Stage stage) const;
    // Every firewall's drop lines, in file order.
    std::vector<Found<log_lines::FirewallDropLine>> FirewallDrops() const;

  private:
    const ResultsFolder& m_folder;
    mutable std::optional<std::vector<CaptureStun>> m_stun;
    mutable std::optional<std::vector<StreamPath>> m_media_paths;
};

Evidence FromLog(const LogLine& line);
// "203.0.113.10:3478" -> "203.0.113.10" and "3478"; an address without a port is its own
// address and has port "".
std::string AddressOf(const std::string& endpoint);
std::string PortOf(const std::string& endpoint);

// The first line of the role's logs that `parse` reads inside a traversal zone line of
// the Expressway-E, which carries the client's address after it ("<line> (<peer>)").
template <class Line>
std::optional<Found<Line>> FirstFromPeer(const ResultsFolder& folder, const std::string& role,
                                         LineParser<Line> parse) {
    for (const auto& f : folder.FindInRole(role, log_lines::TraversalFromPeer::Parse))
        if (auto line = parse(f.line.line))
            return Found<Line>{f.log, std::move(*line)};
    return std::nullopt;
}
// "a.b.c" and an array index helper for status paths: "cms.faults[0]".
std::string Indexed(const std::string& path, std::size_t index);

} // namespace cmslab::diagnosis
