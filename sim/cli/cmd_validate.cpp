#include "commands.h"

#include "command_support.h"

#include "scenario/default_scenario.h"
#include "scenario/loader.h"

#include <iostream>

namespace cmslab::cli {

namespace {

void ValidateUsage(std::ostream& os) {
    os << "usage: cmslab validate [SCENARIO...]\n\n"
          "Checks scenario files without simulating them: JSON syntax, known keys and their\n"
          "types, addresses and prefixes, names and references, duplicates, and whether each\n"
          "node reaches the DNS servers it uses. Prints every error as\n"
          "  <file>: <JSON pointer>: <message>\n"
          "and warnings: about the file's values, and for each setting the lab does not\n"
          "simulate (`cmslab run` counts these on one line; here each is listed).\n"
          "Without SCENARIO, checks the built-in reference deployment.\n\n"
          "exit status: 0 valid (warnings allowed), 2 errors or usage error.\n"
          "Writes nothing but this report.\n";
}

} // namespace

int Validate(const Args& args) {
    const CommandLine line = ParseCommandLine("validate", ValidateUsage, args, {});
    if (line.exit)
        return *line.exit;
    std::vector<std::string> paths = line.positional;
    if (paths.empty())
        paths.push_back(scenario::DefaultScenarioPath());
    int status = 0;
    for (const auto& path : paths) {
        const auto result = scenario::LoadScenario(path);
        std::cerr << result.Report();
        if (result.Ok()) {
            std::cout << path << ": valid";
            if (result.WarningCount())
                std::cout << " (" << result.WarningCount() << " warning"
                          << (result.WarningCount() == 1 ? "" : "s") << ")";
            std::cout << "\n";
        } else {
            std::cerr << path << ": " << result.ErrorCount() << " error"
                      << (result.ErrorCount() == 1 ? "" : "s") << "\n";
            status = 2;
        }
    }
    return status;
}

} // namespace cmslab::cli
