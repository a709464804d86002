// The boxes' status pages at the moments a person would open them during the join,
// besides the final ones: once the call's media has flowed both ways for a second
// (Expressway-E's TURN page then shows the clients and relays in use, which are gone by
// the end), and when a stage of the join first fails. Each moment writes
// status/<node>@<second>.json; summary.json lists them under "status_moments".
#pragma once

#include "common/expected.h"
#include "sim_time.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace cmslab::network {
class World;
class GuestBrowser;
} // namespace cmslab::network

namespace cmslab::run {

class StatusMoments {
  public:
    StatusMoments(const network::World& world, const network::GuestBrowser& guest,
                  std::string out_dir);
    // Watches the guest from now on (it only reads: the captures stay the same).
    void Start();
    // [{"moment": "media flowing", "at_s": 13.2, "files": ["status/vcse@13.2.json", ...]},
    // ...] in the order taken; the first page that could not be written, as an error.
    Expected<nlohmann::json> Taken() const;

  private:
    void Look(Instant now);
    void Take(const std::string& moment, Instant now);

    const network::World& m_world;
    const network::GuestBrowser& m_guest;
    std::string m_out_dir;
    devices::net::Timer m_timer;
    std::optional<Instant> m_media_since; // first seen flowing both ways
    bool m_media_taken = false;
    bool m_failure_taken = false;
    nlohmann::json m_taken = nlohmann::json::array();
    std::optional<Error> m_error;
};

} // namespace cmslab::run
