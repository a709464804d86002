#include "commands.h"

#include "command_support.h"

#include "emulate/emulate_scenario.h"
#include "run/run_scenario.h"
#include "scenario/default_scenario.h"
#include "scenario/loader.h"

#include <charconv>
#include <iostream>
#include <optional>

namespace cmslab::cli {

namespace {

void EmulateUsage(std::ostream& os) {
    os << "usage: cmslab emulate [SCENARIO] --attach NODE [--attach NODE ...] [--duration S]\n"
          "                      [--out DIR] [--seed N]\n\n"
          "Runs the deployment a scenario file describes in real time, with each attached\n"
          "node a real Linux host: a network namespace cmslab-<node> with one TAP device per\n"
          "interface of the node (its address, gateway, routes and DNS servers), joined to\n"
          "the node's simulated segments. Programs run there with `ip netns exec\n"
          "cmslab-<node> ...` talk to the simulated boxes. No model runs on an attached node.\n"
          "Without SCENARIO, the built-in reference deployment. Needs root and /dev/net/tun.\n\n"
          "options:\n"
          "  --attach NODE   a node a real host stands in for (an end host, not a router);\n"
          "                  repeat it for several\n"
          "  --duration S    stop after S seconds (default: at SIGINT or SIGTERM)\n"
          "  --out DIR       where to write (default: results/<scenario name>)\n"
          "  --seed N        the run's seed instead of the scenario's\n"
          "  --help          this text\n\n"
          "prints, on stdout, per attached node the command prefix to run a program there,\n"
          "then `cmslab emulate: ready after ...` when the DNS servers answer, the\n"
          "Expressway tunnels and the web bridge link are up (or `not ready after 30 s`).\n\n"
          "writes what `cmslab run` writes (the captures hold the real hosts' packets too),\n"
          "plus ca/<name>.pem for every authority and self-signed certificate of the\n"
          "scenario (`curl --cacert ca/lab-ca.pem ...`), and in summary.json `emulation`:\n"
          "what was attached, why the run ended and how late events ran (real_time_lag).\n\n"
          "The namespaces are removed when the run ends, and namespaces left by a run that\n"
          "was killed are removed when the next one starts. Nothing is added to the host's\n"
          "own network namespace.\n\n"
          "exit status: 0 the run ended (signal or duration), 2 unusable scenario, usage\n"
          "error, or an emulation that could not be set up (not root, no TAP devices).\n";
}

std::optional<double> Seconds(const std::string& text) {
    double value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !(value > 0) || value > 1e8)
        return std::nullopt;
    return value;
}

} // namespace

int Emulate(const Args& args) {
    const CommandLine line =
        ParseCommandLine("emulate", EmulateUsage, args,
                         {{"--attach", 1, true}, {"--duration", 1}, {"--out", 1}, {"--seed", 1}});
    if (line.exit)
        return *line.exit;
    const auto seed = line.WholeNumber("--seed", 0, "a whole number from 0 to 2^64-1");
    if (!seed)
        return line.Refuse(seed.Message());
    std::optional<double> duration;
    if (auto text = line.Value("--duration")) {
        duration = Seconds(*text);
        if (!duration)
            return line.Refuse("--duration takes a number of seconds above 0, not '" + *text + "'");
    }
    const std::vector<std::string> attach = line.Values("--attach");
    if (attach.empty())
        return line.Refuse("name at least one node to attach (--attach NODE)");
    for (std::size_t i = 0; i < attach.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (attach[i] == attach[j])
                return line.Refuse("--attach " + attach[i] + " is given twice");
        }
    }
    if (auto more = line.AtMostOne("scenario"))
        return line.Refuse(*more);
    const std::string path =
        line.positional.empty() ? scenario::DefaultScenarioPath() : line.positional.front();

    const scenario::LoadResult loaded = scenario::LoadScenario(path);
    PrintLoadReport(std::cerr, loaded, path);
    if (!loaded.Ok()) {
        std::cerr << "cmslab emulate: " << path << ": not emulated (" << loaded.ErrorCount()
                  << " error" << (loaded.ErrorCount() == 1 ? "" : "s") << ")\n";
        return 2;
    }
    const scenario::Scenario& s = *loaded.scenario;

    emulate::EmulateOptions options;
    options.out_dir = line.Value("--out").value_or(run::DefaultOutDir(s));
    options.attach = attach;
    options.duration_s = duration;
    options.seed = *seed;
    auto report = emulate::EmulateScenario(s, options, std::cout);
    if (!report) {
        std::cerr << "cmslab emulate: " << path << ": " << report.Message() << "\n";
        return 2;
    }
    const emulate::LagReport& lag = report->lag;
    std::cout << s.name << ": emulated " << report->simulated_s << " s in real time (ended by "
              << report->ended_by << "; lag p99 " << lag.p99_ms << " ms, max " << lag.max_ms
              << " ms) -> " << report->out_dir << std::endl;
    return 0;
}

} // namespace cmslab::cli
