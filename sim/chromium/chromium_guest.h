// The scenario's guest as a real Chromium (`cmslab run --guest chromium`): a fresh
// profile trusting exactly the guest's trusted_cas, Debian's headless chromium started
// in the guest's network namespace with a bounded lifetime, driven through the join over
// the DevTools pipe, its stages mapped for summary.json. Writes <out>/screens/*.png,
// <out>/chromium.json (what Chromium saw) and <out>/logs/chromium.log (its stderr).
#pragma once

#include "common/expected.h"
#include "guest_outcome/outcome.h"
#include "scenario/guest_config.h"

#include <functional>
#include <string>

namespace cmslab::chromium {

struct ChromiumGuestOptions {
    std::string netns;      // the guest node's namespace
    std::string out_dir;    // the run's results; ca/<name>.pem already written there
    double stay_s = 15;     // how long to stay in the meeting (or wait for it) once joined
    double lifetime_s = 90; // `timeout` ends the browser after this, whatever happens
};

Expected<outcome::Outcome> RunChromiumGuest(const scenario::GuestConfig& guest,
                                            const ChromiumGuestOptions& options,
                                            const std::function<double()>& elapsed_s);

} // namespace cmslab::chromium
