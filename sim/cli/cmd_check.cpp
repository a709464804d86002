#include "commands.h"

#include "command_support.h"

#include "check/junit.h"
#include "check/scenario_check.h"
#include "run/run_scenario.h"
#include "scenario/default_scenario.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

namespace cmslab::cli {

namespace {

namespace fs = std::filesystem;

void CheckUsage(std::ostream& os) {
    os << "usage: cmslab check [SCENARIO...] [--junit FILE] [--out DIR] [--timeout S]\n\n"
          "Runs each scenario, each in a process of its own, and compares what the run\n"
          "wrote with the scenario's expect block: the stages of the join (ok, failed,\n"
          "not_reached), the guest's screen, log lines that must or must not appear, and\n"
          "values of the status pages. Prints one line per scenario (as expected, DIFFERS,\n"
          "UNUSABLE, skipped) with the run's time; under a scenario that differs, every\n"
          "difference and the run's diagnosis. The expect format: scenarios/README.md,\n"
          "section scenario.expect.\n"
          "Without SCENARIO, checks every *.json of the scenarios folder\n"
          "("
       << fs::path(scenario::DefaultScenarioPath()).parent_path().string()
       << ").\n\n"
          "options:\n"
          "  --junit FILE   also write a JUnit XML report (one testcase per scenario; a\n"
          "                 <failure> lists the differences and the diagnosis)\n"
          "  --out DIR      run each scenario into DIR/<scenario name> (default\n"
          "                 results/check; two scenarios of one name: <name>, <name>-2);\n"
          "                 earlier results there are replaced\n"
          "  --timeout S    give up on a run after S seconds of wall-clock time (default\n"
          "                 300); a run that hangs or crashes is UNUSABLE, the others go on\n"
          "  --help         this text\n\n"
          "A scenario without an expect block (or with an empty one) cannot be checked: when\n"
          "named on the command line it is UNUSABLE; found in the scenarios folder it is\n"
          "skipped (said so, and <skipped> in the JUnit report), so that scenarios kept for\n"
          "`cmslab run` alone do not fail the check.\n\n"
          "exit status: 0 every scenario as expected (skipped ones aside), 1 some differ,\n"
          "2 unusable input: a scenario that does not load (the loader's report is printed),\n"
          "has nothing to compare, or whose run crashed or timed out; no scenario found;\n"
          "usage error. 2 wins over 1.\n";
}

std::vector<std::string> DefaultScenarios() {
    const fs::path folder = fs::path(scenario::DefaultScenarioPath()).parent_path();
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".json" && it->is_regular_file(ec))
            files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int Check(const Args& args) {
    const CommandLine line = ParseCommandLine("check", CheckUsage, args,
                                              {{"--junit", 1}, {"--out", 1}, {"--timeout", 1}});
    if (line.exit)
        return *line.exit;
    check::CheckOptions options;
    const std::optional<std::string> junit = line.Value("--junit");
    if (auto out = line.Value("--out"))
        options.out_root = *out;
    const auto timeout = line.WholeNumber("--timeout", 1, "a whole number of seconds");
    if (!timeout)
        return line.Refuse(timeout.Message());
    if (*timeout)
        options.timeout = std::chrono::seconds(**timeout);
    std::vector<std::string> files = line.positional;
    options.named = !files.empty();
    if (files.empty()) {
        files = DefaultScenarios();
        if (files.empty()) {
            std::cerr << "cmslab check: no scenario (*.json) in "
                      << fs::path(scenario::DefaultScenarioPath()).parent_path().string() << "\n";
            return 2;
        }
    }

    std::set<std::string> used_out_dirs;
    options.used_out_dirs = &used_out_dirs;
    std::vector<check::JunitCase> cases;
    std::size_t as_expected = 0, differs = 0, unusable = 0, skipped = 0;
    for (const auto& file : files) {
        const check::CheckResult r = check::CheckScenarioFile(
            file, options, [](const scenario::Scenario& s, const std::string& out) {
                // Runs in the child process: the only place ns-3 is started.
                return RunInto("check", s, out, true);
            });
        std::cout << r.Line() << "\n" << r.Details() << std::flush;
        cases.push_back(r.Junit());
        switch (r.verdict) {
        case check::CheckResult::Verdict::AsExpected:
            ++as_expected;
            break;
        case check::CheckResult::Verdict::Differs:
            ++differs;
            break;
        case check::CheckResult::Verdict::Unusable:
            ++unusable;
            break;
        case check::CheckResult::Verdict::Skipped:
            ++skipped;
            break;
        }
    }
    std::cout << files.size() << (files.size() == 1 ? " scenario: " : " scenarios: ") << as_expected
              << " as expected, " << differs << " differ, " << unusable << " unusable";
    if (skipped)
        std::cout << ", " << skipped << " skipped (no expect block)";
    std::cout << "\n";
    if (junit) {
        const std::string problem = check::WriteJunit(*junit, "cmslab check", cases);
        if (!problem.empty()) {
            std::cerr << "cmslab check: " << problem << "\n";
            return 2;
        }
    }
    if (unusable)
        return 2;
    return differs ? 1 : 0;
}

} // namespace cmslab::cli
