#include "commands.h"

#include "command_support.h"

#include "report/run_summary.h"
#include "results_writer.h"
#include "run/run_scenario.h"
#include "run_with_chromium.h"
#include "scenario/default_scenario.h"
#include "scenario/guest_crowd_scale.h"
#include "scenario/loader.h"

#include <iostream>
#include <optional>

namespace cmslab::cli {

namespace {

void RunUsage(std::ostream& os) {
    os << "usage: cmslab run [SCENARIO] [--out DIR] [--seed N] [--guests N] [--quiet]\n"
          "                  [--guest chromium]\n\n"
          "Simulates the deployment a scenario file describes, on ns-3, and writes what a\n"
          "person would look at. Without SCENARIO, runs the built-in reference deployment.\n\n"
          "options:\n"
          "  --out DIR   where to write (default: results/<scenario name>)\n"
          "  --seed N    the run's seed instead of the scenario's (same seed, same bytes)\n"
          "  --guests N  N guests in all: the scenario's guest, then N-1 more as its\n"
          "              guest.crowd says (default: one every 0.1 s on the guest's node)\n"
          "  --quiet     print nothing but errors (no scenario warnings, no summary)\n"
          "  --guest chromium\n"
          "              a real headless Chromium is the guest: the guest's node becomes a\n"
          "              network namespace (as with `cmslab emulate --attach`), the run goes\n"
          "              in real time, and Chromium joins through the DevTools pipe (needs\n"
          "              root, chromium, certutil); adds screens/NN-<screen>.png and\n"
          "              chromium.json (report.html shows the screenshots)\n"
          "  --help      this text\n\n"
          "writes:\n"
          "  pcap/<network>.pcap   one capture per network segment (all its traffic)\n"
          "  logs/<node>.log       each box's log, stamped with the scenario's clock\n"
          "  status/<node>.json    each box's status pages (Expressway, CMS, NAT, DNS)\n"
          "  sslkeys.log           TLS and DTLS secrets (Wireshark: tls.keylog_file)\n"
          "  summary.json          the guest join stage by stage, the guest's screen,\n"
          "                        media counts, seed, simulated time, files, counters\n"
          "  guests.jsonl          with more than one guest: one line per guest (outcome,\n"
          "                        first failed stage, join time, media); summary.json\n"
          "                        then adds `crowd`, the aggregate\n"
          "  topology.dot          the deployment as a graph (Graphviz)\n"
          "  report.html           one page for a projector: topology, the guest's screens,\n"
          "                        stages, the ladder of the join, diagnosis, logs\n\n"
          "prints: each stage, the guest's screen, media counts, the diagnosis' cause and\n"
          "fix, and the path of report.html; scenario warnings go to stderr (the settings\n"
          "the lab does not simulate as one line counting them: `cmslab validate` lists\n"
          "them).\n\n"
          "exit status: 0 the run completed, 2 unusable scenario or usage error\n"
          "(nothing is written then).\n";
}

} // namespace

int Run(const Args& args) {
    const CommandLine line = ParseCommandLine(
        "run", RunUsage, args,
        {{"--out", 1}, {"--seed", 1}, {"--guests", 1}, {"--quiet", 0}, {"--guest", 1}});
    if (line.exit)
        return *line.exit;
    const auto seed = line.WholeNumber("--seed", 0, "a whole number from 0 to 2^64-1");
    if (!seed)
        return line.Refuse(seed.Message());
    const auto guests = line.WholeNumber("--guests", 1, "a whole number from 1 to 100000");
    if (!guests)
        return line.Refuse(guests.Message());
    if (*guests && **guests > 100000)
        return line.Refuse("--guests takes a whole number from 1 to 100000, not '" +
                           std::to_string(**guests) + "'");
    const std::optional<std::string> out_dir = line.Value("--out");
    const std::optional<std::string> guest = line.Value("--guest");
    if (guest && *guest != "chromium")
        return line.Refuse("--guest takes chromium (the real browser), not '" + *guest + "'");
    if (auto more = line.AtMostOne("scenario"))
        return line.Refuse(*more);
    const std::string path =
        line.positional.empty() ? scenario::DefaultScenarioPath() : line.positional.front();

    const bool quiet = line.Has("--quiet");
    const scenario::LoadResult loaded = scenario::LoadScenario(path);
    // --quiet keeps the load's report for a refused file.
    if (!quiet || !loaded.Ok())
        PrintLoadReport(std::cerr, loaded, path);
    if (!loaded.Ok()) {
        std::cerr << "cmslab run: " << path << ": not simulated (" << loaded.ErrorCount()
                  << " error" << (loaded.ErrorCount() == 1 ? "" : "s") << ")\n";
        return 2;
    }
    scenario::Scenario s = *loaded.scenario;
    if (*guests)
        scenario::ScaleGuestToCrowd(s.guest_config, static_cast<std::size_t>(**guests));

    if (guest)
        return RunWithChromium(s, path, out_dir.value_or(run::DefaultOutDir(s)), *seed, quiet);

    run::RunOptions options;
    options.out_dir = out_dir.value_or(run::DefaultOutDir(s));
    options.seed = *seed;
    auto report = run::RunScenario(s, options);
    if (!report) {
        std::cerr << "cmslab run: " << path << ": " << report.Message() << "\n";
        return 2;
    }
    if (quiet)
        return 0;
    std::cout << s.name << ": simulated " << report->simulated_s << " s (seed " << report->seed
              << ", from " << network::IsoUtc(report->epoch_unix_s) << ") -> " << report->out_dir
              << "\n"
              << report::RunSummaryText(report->summary, report->report_html);
    return 0;
}

} // namespace cmslab::cli
