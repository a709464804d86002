#include "chromium/chromium_guest.h"

#include "chromium/cdp_pipe.h"
#include "chromium/guest_driver.h"
#include "chromium/nss_profile.h"
#include "chromium/stage_mapper.h"
#include "network_check.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cmslab::chromium {

namespace {

std::string Seconds(double s) {
    std::ostringstream text;
    text << static_cast<long long>(s + 0.5);
    return text.str();
}

nlohmann::json SawJson(const ChromiumSaw& saw) {
    return {{"net_error", saw.net_error},
            {"proceeded_past_warning", saw.proceeded_past_warning},
            {"http_status", saw.http_status},
            {"security_state", saw.security_state},
            {"title", saw.title},
            {"buttons", saw.buttons},
            {"screens", saw.screens},
            {"screenshots", saw.screenshots},
            {"app", saw.app},
            {"problem", saw.problem}};
}

} // namespace

Expected<outcome::Outcome> RunChromiumGuest(const scenario::GuestConfig& guest,
                                            const ChromiumGuestOptions& options,
                                            const std::function<double()>& elapsed_s) {
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::string>> cas;
    for (const std::string& name : guest.trusted_cas)
        cas.emplace_back(name, options.out_dir + "/ca/" + network::FileNameFor(name) + ".pem");
    const std::string profile_dir = options.out_dir + "/chromium-profile";
    auto profile = MakeProfile(profile_dir, cas);
    if (!profile)
        return profile.Err();
    std::error_code ec;
    fs::create_directories(options.out_dir + "/logs", ec);
    const std::vector<std::string> argv = {
        "ip", "netns", "exec", options.netns,
        // The browser's bounded lifetime: `timeout` ends it (and -k kills it if it ignores
        // SIGTERM); the pipe's owner ends `timeout` by its pid before that.
        "timeout", "-k", "5", Seconds(options.lifetime_s), "chromium", "--headless=new",
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        // The app's WebAudio tone starts without a click of the user's own.
        "--autoplay-policy=no-user-gesture-required", "--remote-debugging-pipe",
        "--user-data-dir=" + profile->user_data_dir, "--window-size=1024,700", "about:blank"};
    auto cdp =
        CdpPipe::Start(argv, {"HOME=" + profile->home}, options.out_dir + "/logs/chromium.log");
    if (!cdp)
        return cdp.Err();
    GuestPlan plan;
    plan.url = guest.url.text;
    plan.call_id = guest.call_id;
    plan.passcode = guest.passcode;
    plan.display_name = guest.display_name;
    plan.proceed_past_certificate_warning = guest.proceed_past_certificate_warning;
    plan.stay = std::chrono::milliseconds(static_cast<long long>(options.stay_s * 1000));
    plan.screens_dir = options.out_dir + "/screens";
    const double started_s = elapsed_s();
    const ChromiumSaw saw = DriveGuest(**cdp, plan, elapsed_s);
    cdp->reset();
    fs::remove_all(profile_dir, ec);
    std::ofstream(options.out_dir + "/chromium.json") << SawJson(saw).dump(2) << "\n";
    if (!saw.problem.empty() && saw.screens.empty())
        return Error{"chromium: " + saw.problem + " (see " + options.out_dir +
                     "/logs/chromium.log)"};
    return MapStages(saw, guest.url.text, started_s);
}

} // namespace cmslab::chromium
