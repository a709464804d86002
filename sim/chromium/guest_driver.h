// The guest at a real Chromium, through the DevTools protocol: open the guest's URL, and
// on the web app's page press Join call, type the call ID and passcode, press Continue,
// type the name, press Join call, then wait in the meeting. It records what Chromium
// saw (its network error code, the page's HTTP status and security state, the app's
// screens and answers) and saves a screenshot at every screen change. What that means
// for the join's stages is stage_mapper's business.
#pragma once

#include "chromium/cdp_pipe.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace cmslab::chromium {

struct GuestPlan {
    std::string url;
    std::string call_id;
    std::string passcode;
    std::string display_name;
    bool proceed_past_certificate_warning = false;
    // How long to stay in the meeting (or wait for it) once joined.
    std::chrono::milliseconds stay{10000};
    std::string screens_dir; // screens/NN-<screen>.png go here
};

struct ChromiumSaw {
    std::string net_error; // "net::ERR_CERT_COMMON_NAME_INVALID"; "" when it loaded
    bool proceeded_past_warning = false;
    int http_status = 0;                  // the page's document answer (after any proceed)
    std::string security_state;           // Chromium's verdict on the page: "secure", "insecure"
    std::string title;                    // the page's <h1>, else its title
    std::vector<std::string> buttons;     // visible buttons and links of the final page
    std::vector<std::string> screens;     // every screen shown, in order (summary.json names)
    nlohmann::json app;                   // the app's state (answers, signaling, participants)
    std::vector<std::string> screenshots; // file names under screens_dir
    std::string problem;                  // a driving step that failed (the browser, not the lab)
    double joined_at_s = -1;              // seconds from the start: the app got `joined`
    std::string FinalScreen() const { return screens.empty() ? "blank" : screens.back(); }
};

// Drives the browser behind `cdp` (started with about:blank) through the join.
// `elapsed` says how far into the run it is (to time the stages).
ChromiumSaw DriveGuest(CdpPipe& cdp, const GuestPlan& plan,
                       const std::function<double()>& elapsed_s);

} // namespace cmslab::chromium
