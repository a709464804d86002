// The person at the browser: where they go, what they type, whom their browser trusts.
#pragma once

#include "scenario/url.h"
#include "tls/policy.h"

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
    double media_duration_s = 10;
    bool proceed_past_certificate_warning = false; // clicks through the browser's warning
    tls::Policy tls; // what the browser offers
};

} // namespace cmslab::scenario
