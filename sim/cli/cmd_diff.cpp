#include "commands.h"

#include "command_support.h"

#include "check/results_diff.h"
#include "check/scenario_check.h"
#include "run/run_scenario.h"
#include "scenario/loader.h"

#include <iomanip>
#include <iostream>
#include <optional>

namespace cmslab::cli {

namespace {

void DiffUsage(std::ostream& os) {
    os << "usage: cmslab diff A.json B.json [--out DIR] [--timeout S]\n\n"
          "Runs both scenarios, each in a process of its own, and shows what changes from A\n"
          "to B: the stages of the join whose status or detail changes, the guest's screen,\n"
          "per node the log lines that disappear (-) and appear (+), and the status page\n"
          "values that change (as JSON pointers into status/<node>.json). Time stamps,\n"
          "random identifiers (UUIDs, guest IDs, ICE credentials, fingerprints), measured\n"
          "durations and ephemeral or relay ports (10000 and up) are replaced by placeholders "
          "first, so\n"
          "only real changes show. Typical use: A the working deployment, B the same with\n"
          "the configuration change you are about to make.\n\n"
          "options:\n"
          "  --out DIR      runs go to DIR/a and DIR/b (default results/diff/<A name>-vs-<B "
          "name>)\n"
          "  --timeout S    give up on a run after S seconds of wall-clock time (default 300)\n"
          "  --help         this text\n\n"
          "exit status: 0 no difference, 1 they differ, 2 unusable input (a scenario that\n"
          "does not load, a run that failed, crashed or timed out) or usage error.\n";
}

} // namespace

int Diff(const Args& args) {
    const CommandLine line =
        ParseCommandLine("diff", DiffUsage, args, {{"--out", 1}, {"--timeout", 1}});
    if (line.exit)
        return *line.exit;
    const std::optional<std::string> out = line.Value("--out");
    const auto timeout_s = line.WholeNumber("--timeout", 1, "a whole number of seconds");
    if (!timeout_s)
        return line.Refuse(timeout_s.Message());
    const std::chrono::milliseconds timeout = std::chrono::seconds(timeout_s->value_or(300));
    const std::vector<std::string>& files = line.positional;
    if (files.size() != 2)
        return line.Refuse("two scenarios, A and B (" + std::to_string(files.size()) + " given)");

    std::vector<scenario::Scenario> scenarios;
    bool loadable = true;
    for (const auto& file : files) {
        const auto loaded = scenario::LoadScenario(file);
        if (!loaded.Ok()) {
            std::cerr << loaded.Report() << "cmslab diff: " << file << ": does not load ("
                      << loaded.ErrorCount() << (loaded.ErrorCount() == 1 ? " error" : " errors")
                      << ")\n";
            loadable = false;
            continue;
        }
        scenarios.push_back(*loaded.scenario);
    }
    if (!loadable)
        return 2;
    const std::string root =
        out.value_or("results/diff/" + scenarios[0].name + "-vs-" + scenarios[1].name);
    const char* labels[] = {"A", "B"};
    const char* folders[] = {"a", "b"};
    std::string dirs[2];
    for (int i = 0; i < 2; ++i) {
        const auto run =
            check::RunInOwnProcess(scenarios[i], root + "/" + folders[i], timeout,
                                   [](const scenario::Scenario& s, const std::string& out) {
                                       return RunInto("diff", s, out, false);
                                   });
        dirs[i] = run.out_dir;
        std::cout << labels[i] << ": " << files[i] << " (" << scenarios[i].name << ") -> "
                  << run.out_dir << "  " << std::fixed << std::setprecision(1) << run.child.seconds
                  << " s\n";
        if (!run.Completed()) {
            std::cerr << "cmslab diff: " << files[i] << ": " << run.Problem();
            return 2;
        }
    }
    const check::ResultsDiff diff = check::DiffResults(dirs[0], dirs[1]);
    std::cout << diff.Text("A", "B");
    if (!diff.problems.empty())
        return 2;
    return diff.Empty() ? 0 : 1;
}

} // namespace cmslab::cli
