// The person at the browser: where they go, what they type, whom their browser trusts.
#pragma once

#include "scenario/url.h"
#include "tls/policy.h"

#include <optional>
#include <string>
#include <vector>

namespace cmslab::scenario {

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
};

} // namespace cmslab::scenario
