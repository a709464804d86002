#include "run_with_chromium.h"

#include "chromium/chromium_guest.h"
#include "emulate/emulate_scenario.h"
#include "report/run_summary.h"

#include <iostream>
#include <sstream>

namespace cmslab::cli {

int RunWithChromium(const scenario::Scenario& s, const std::string& path,
                    const std::string& out_dir, std::optional<std::uint64_t> seed, bool quiet) {
    chromium::ChromiumGuestOptions guest;
    guest.out_dir = out_dir;
    // In the meeting for the scenario's media time, and a margin for the join.
    guest.stay_s = s.guest_config.media_duration_s + 5;
    guest.lifetime_s = guest.stay_s + 60;

    emulate::EmulateOptions options;
    options.out_dir = out_dir;
    options.attach = {s.guest_config.node};
    // The browser's lifetime bounds the run: it ends when the guest is done, or then.
    options.duration_s = guest.lifetime_s + 10;
    options.seed = seed;
    const scenario::GuestConfig config = s.guest_config;
    options.real_guest = [config, guest](const std::string& netns,
                                         const std::function<double()>& elapsed_s) {
        chromium::ChromiumGuestOptions in_namespace = guest;
        in_namespace.netns = netns;
        return chromium::RunChromiumGuest(config, in_namespace, elapsed_s);
    };
    // The emulation's own lines (namespaces, readiness) are for a person at a terminal.
    std::ostringstream emulation_lines;
    auto report = emulate::EmulateScenario(s, options, quiet ? emulation_lines : std::cerr);
    if (!report) {
        std::cerr << "cmslab run: " << path << ": " << report.Message() << "\n";
        return 2;
    }
    if (quiet)
        return 0;
    std::cout << s.name << ": Chromium joined in real time for " << report->simulated_s
              << " s (seed " << report->seed << ", ended by " << report->ended_by << ") -> "
              << report->out_dir << "\n"
              << report::RunSummaryText(report->summary, report->report_html)
              << "screenshots: " << out_dir << "/screens/\n";
    return 0;
}

} // namespace cmslab::cli
