// What Chromium saw, as the join's stages of summary.json: the same eleven stages the
// modelled browser records, decided from Chromium's network error code, the page's HTTP
// status, the web app's screens and answers. Stages Chromium gives no evidence of stay
// not reached.
#pragma once

#include "chromium/guest_driver.h"
#include "guest_outcome/outcome.h"

#include <string>

namespace cmslab::chromium {

// `url`: the guest's URL (the address bar); `loaded_at_s`: when the page's answer (or
// error) came, seconds into the run.
outcome::Outcome MapStages(const ChromiumSaw& saw, const std::string& url, double loaded_at_s);

} // namespace cmslab::chromium
