// Installs the guest's browser on the scenario's guest node: the URL, call ID, passcode
// and display name from the scenario's "guest" block, the certificates it trusts from
// the scenario's authorities, the node's DNS servers as its resolver. After the run,
// its outcome (stages, screen, media) goes into summary.json.
#pragma once

#include "browser/browser_app.h"
#include "common/expected.h"
#include "common/time.h"
#include "outcome/outcome.h"
#include "scenario_pki.h"
#include "tls/config.h"
#include "world.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace cmslab::network {

// The browser and the resolver it uses, alive together (or, for a guest of a crowd, the
// resolver of its node, which the crowd keeps).
class GuestBrowser {
  public:
    GuestBrowser(std::unique_ptr<devices::DnsResolver> resolver,
                 std::unique_ptr<browser::BrowserApp> app);
    ~GuestBrowser();
    GuestBrowser(const GuestBrowser&) = delete;
    GuestBrowser& operator=(const GuestBrowser&) = delete;

    // The run is over: stages still in progress fail. Call before reading the result.
    void Finish();
    outcome::Outcome Result() const;
    const browser::BrowserApp& App() const { return *m_app; }

  private:
    std::unique_ptr<devices::DnsResolver> m_resolver;
    std::unique_ptr<browser::BrowserApp> m_app;
};

// Call after World::Build and the servers' Start* (the browser starts guest.start_after
// into the run, when the boxes are up). `key_log`: the run's key log sink, may be empty.
Expected<std::unique_ptr<GuestBrowser>> StartBrowser(World& world, const ScenarioPki& pki,
                                                     const tls::KeyLogSink& key_log = {});

// Where one guest of a crowd sits and what it types that differs from the scenario's
// guest: the rest (URL, trust, TLS, quality) is the guest block's.
struct GuestSeat {
    std::string node;
    std::string call_id;
    std::string display_name;
    double media_duration_s = 10;
    // Names the guest's random streams and its log lines' component ("browser#7"); empty:
    // the scenario's guest ("browser"), whose streams are those it always had.
    std::string tag;
    // The node's system resolver, shared by the browsers of the node and kept alive by
    // the caller; null: the guest gets one of its own.
    devices::DnsResolver* resolver = nullptr;
};
GuestSeat FirstGuestSeat(const scenario::GuestConfig& guest);

Expected<std::unique_ptr<GuestBrowser>> StartSeatedBrowser(World& world, const ScenarioPki& pki,
                                                           const tls::KeyLogSink& key_log,
                                                           const GuestSeat& seat,
                                                           Duration start_after);

// Writes summary.json in `out_dir`: the scenario and seed, the browser's outcome, then
// the keys of `run_summary` (what WriteResults returned). Returns the path.
Expected<std::string> WriteOutcomeSummary(const World& world, const std::string& out_dir,
                                          const outcome::Outcome& outcome,
                                          const nlohmann::json& run_summary);

} // namespace cmslab::network
