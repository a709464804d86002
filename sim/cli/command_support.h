// What several `cmslab` subcommands do alike: refuse a command line, and run one scenario
// into a folder as the body of a child process (check, diff).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace cmslab::scenario {
struct Scenario;
}

namespace cmslab::cli {

using UsageText = void (*)(std::ostream&);

// `cmslab <command>: <message>`, a blank line and the command's usage on stderr; 2, the
// exit code of unusable input.
int UsageError(std::string_view command, UsageText usage, const std::string& message);

// Runs `s` into `out_dir`: 0, or 2 with `cmslab <command>: <file>: <reason>` on stderr.
// With `announce`, a line on stdout says how long it simulated and where it wrote.
int RunInto(std::string_view command, const scenario::Scenario& s, const std::string& out_dir,
            bool announce);

} // namespace cmslab::cli
