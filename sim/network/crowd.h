// The guests of a run: the scenario's guest, and with `guest.crowd` (or `--guests N`) the
// others, each a browser of its own arriving on its own time (a fixed interval or
// Poisson gaps drawn from the run's seed), on the crowd's nodes in turn.
//
// A crowd of thousands must stay small: a guest's browser exists only from its arrival
// until a little after it is done (its connections closed), then only its outcome is
// kept (CrowdGuest). The browsers of one node share the node's resolver, as a real
// host's do.
#pragma once

#include "common/expected.h"
#include "common/time.h"
#include "guest_outcome/outcome.h"
#include "scenario_pki.h"
#include "tls/config.h"
#include "wire_browser.h"
#include "world.h"

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::devices::net {
class Timer;
} // namespace cmslab::devices::net

namespace cmslab::network {

// What the run keeps of one guest: guests.jsonl's line.
struct CrowdGuest {
    std::size_t number = 0; // 1: the scenario's guest
    std::string node;
    std::string display_name;
    std::string call_id;
    Instant arrives{}; // when the guest starts typing the URL
    outcome::Outcome outcome;
};

// The arrival times of `count` guests, the first at `first`: fixed steps of `interval_s`
// or exponential gaps of that mean from `rng` (Poisson arrivals).
std::vector<Instant> CrowdArrivals(std::size_t count, Instant first,
                                   const scenario::CrowdConfig& crowd, Rng rng);

class Crowd {
  public:
    // Starts the scenario's guest `first_at` into the run and schedules the others.
    static Expected<std::unique_ptr<Crowd>>
    Start(World& world, const ScenarioPki& pki, const tls::KeyLogSink& key_log, Duration first_at);
    ~Crowd();
    Crowd(const Crowd&) = delete;
    Crowd& operator=(const Crowd&) = delete;

    // The scenario's guest, alive to the end of the run: the summary's headline.
    GuestBrowser& First() { return *m_first; }
    const GuestBrowser& First() const { return *m_first; }
    // More than one guest.
    bool IsCrowd() const { return m_arrivals.size() > 1; }

    // The run is over: every guest still there finishes; the records are complete.
    void Finish();
    // One per guest that arrived, in arrival order (complete after Finish).
    std::vector<CrowdGuest> Guests() const;
    // A guest that could not be started (its browser refused its set-up): the run fails.
    const std::string& StartError() const { return m_start_error; }

  private:
    struct Present {
        std::size_t number = 0;
        std::unique_ptr<GuestBrowser> browser;
        std::optional<Instant> done_since;
    };

    Crowd(World& world, const ScenarioPki& pki, tls::KeyLogSink key_log);
    GuestSeat SeatOf(std::size_t number);
    void ArriveNext(Instant now);
    void Sweep(Instant now);
    void Keep(std::size_t number, const GuestBrowser& browser);

    World& m_world;
    const ScenarioPki& m_pki;
    tls::KeyLogSink m_key_log;
    std::vector<Instant> m_arrivals;
    std::size_t m_next = 1; // the next to arrive (0 is the scenario's guest)
    std::unique_ptr<GuestBrowser> m_first;
    std::map<std::string, std::unique_ptr<devices::DnsResolver>> m_resolvers;
    std::vector<Present> m_present;
    std::vector<CrowdGuest> m_records; // by number - 1
    std::unique_ptr<devices::net::Timer> m_arrival_timer;
    std::unique_ptr<devices::net::Timer> m_sweep_timer;
    std::string m_start_error;
};

} // namespace cmslab::network
