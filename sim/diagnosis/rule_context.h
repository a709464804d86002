// What every rule reads: the results folder, and facts derived from it once (the
// Expressway-E's public address, the STUN messages of each capture, the guest's URL).
#pragma once

#include "diagnosis/diagnosis.h"
#include "diagnosis/results_folder.h"
#include "diagnosis/stun_scan.h"

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

  private:
    const ResultsFolder& m_folder;
    mutable std::optional<std::vector<CaptureStun>> m_stun;
};

Evidence FromLog(const LogLine& line);
// "a.b.c" and an array index helper for status paths: "cms.faults[0]".
std::string Indexed(const std::string& path, std::size_t index);

} // namespace cmslab::diagnosis
