// What several `cmslab` subcommands do alike: read and refuse a command line
// (option_parser.h), and run one scenario into a folder as the body of a child process
// (check, diff).
#pragma once

#include "option_parser.h"

#include <string>
#include <string_view>

namespace cmslab::scenario {
struct Scenario;
}

namespace cmslab::cli {

// Runs `s` into `out_dir`: 0, or 2 with `cmslab <command>: <file>: <reason>` on stderr.
// With `announce`, a line on stdout says how long it simulated and where it wrote.
int RunInto(std::string_view command, const scenario::Scenario& s, const std::string& out_dir,
            bool announce);

} // namespace cmslab::cli
