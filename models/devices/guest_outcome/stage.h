// The stages of a guest join, in the order a guest meets them, and what became of each.
// The browser records them as they happen; summary.json and the diagnosis read them.
#pragma once

#include "common/time.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::outcome {

enum class Stage {
    Dns,         // the URL's host resolved at the guest's DNS server
    Tcp,         // TCP to the answer
    Tls,         // TLS handshake up to the server certificate
    Certificate, // chain to a trusted CA, name in the SAN list
    Http,        // the page's GET answered 200
    WebBridge,   // the page offers `Join call` (the Call Bridge reaches the web bridge)
    GuestLogin,  // call ID, passcode, display name accepted; signaling joined
    Turn,        // relay allocated at the TURN server
    Ice,         // a candidate pair succeeded
    Dtls,        // DTLS handshake with the CMS done
    Media,       // RTP both ways for the scenario's media duration
};

inline constexpr std::array<Stage, 11> kAllStages = {
    Stage::Dns,        Stage::Tcp,  Stage::Tls, Stage::Certificate, Stage::Http, Stage::WebBridge,
    Stage::GuestLogin, Stage::Turn, Stage::Ice, Stage::Dtls,        Stage::Media};

// The summary.json key: "dns", "web_bridge", "guest_login", ...
const char* StageKey(Stage stage);
std::optional<Stage> StageFromKey(std::string_view key);

enum class StageStatus { NotReached, Ok, Failed };

// "not_reached", "ok", "failed".
const char* StageStatusName(StageStatus status);
std::optional<StageStatus> StageStatusFromName(std::string_view name);

struct StageRecord {
    Stage stage = Stage::Dns;
    StageStatus status = StageStatus::NotReached;
    Instant at{0}; // simulated time of the verdict; meaningless when not reached
    std::string detail;

    // Simulated milliseconds with microsecond resolution (what summary.json shows).
    double TimeMs() const;
    bool operator==(const StageRecord& o) const {
        return stage == o.stage && status == o.status && at == o.at && detail == o.detail;
    }
};

// Sans-I/O: the caller hands in the time. The first verdict on a stage stands: a stage
// that succeeded and later breaks is a new event for the logs, not a rewrite of history.
class StageRecorder {
  public:
    StageRecorder();

    // Returns false (and changes nothing) when the stage already has a verdict.
    bool Ok(Stage stage, Instant now, std::string detail);
    bool Fail(Stage stage, Instant now, std::string detail);

    // Marks a stage as begun, so that Abandon can tell "in progress" from "not reached".
    void Begin(Stage stage);
    bool Begun(Stage stage) const;
    bool Decided(Stage stage) const;

    // Every stage that began and has no verdict fails with `detail` (the run ended, the
    // guest gave up). Returns the stages it failed.
    std::vector<Stage> Abandon(Instant now, const std::string& detail);

    const StageRecord& Get(Stage stage) const;
    // All eleven, in stage order.
    const std::array<StageRecord, 11>& All() const { return m_records; }
    // The earliest stage (in stage order) that failed, if any.
    std::optional<Stage> FirstFailure() const;

  private:
    bool Set(Stage stage, StageStatus status, Instant now, std::string detail);

    std::array<StageRecord, 11> m_records;
    std::array<bool, 11> m_begun{};
};

} // namespace cmslab::outcome
