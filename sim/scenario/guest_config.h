// The person at the browser: where they go, what they type, whom their browser trusts.
#pragma once

#include "scenario/url.h"
#include "tls/policy.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::scenario {

// Many guests of one scenario (`guest.crowd`, `cmslab run --guests N`): the guest of the
// block first, at the time it always starts, then the others one after another, each a
// browser of its own (its own ports) on one of `nodes`, with the guest's settings but for
// what the crowd changes.
struct CrowdConfig {
    enum class Arrival { Fixed, Poisson };

    std::size_t guests = 1;         // in all, the block's guest included; 1: no crowd
    std::vector<std::string> nodes; // browser nodes the others sit at, in turn; empty: the guest's
    std::string call_id;            // the call the others join; empty: the guest's
    Arrival arrival = Arrival::Fixed;
    double interval_s = 0.1; // between two arrivals (Poisson: the mean), seconds
    // How long each of the others stays in the call's media; unset: the guest's.
    std::optional<double> media_duration_s;
};

struct GuestConfig {
    std::string node;                     // a node of role "browser"
    std::vector<std::string> trusted_cas; // authority or certificate names
    Url url;
    std::string call_id;
    std::string passcode;
    std::string display_name;
    double start_after_s = 1; // into the run: when the page is opened
    double media_duration_s = 10;
    double turn_fallback_after_s = 5;       // no answer from a TURN URL this long: the next one
    std::optional<double> max_loss_percent; // media_quality: beyond it the media stage fails
    std::optional<double> max_jitter_ms;
    bool proceed_past_certificate_warning = false; // clicks through the browser's warning
    tls::Policy tls;                               // what the browser offers
    CrowdConfig crowd;
};

} // namespace cmslab::scenario
