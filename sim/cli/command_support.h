// What several `cmslab` subcommands do alike: read and refuse a command line
// (option_parser.h), print what loading a scenario found, and run one scenario into a
// folder as the body of a child process (check, diff).
#pragma once

#include "option_parser.h"

#include <iosfwd>
#include <string>
#include <string_view>

namespace cmslab::scenario {
struct Scenario;
struct LoadResult;
} // namespace cmslab::scenario

namespace cmslab::cli {

// What loading `path` found, as a command that goes on to run it says it: every error and
// every warning about the file's values, one per line, then the warnings that something
// the file sets is not simulated counted on one line that names `cmslab validate` (which
// lists them). They are the same at every run of a file, and a trainer's screen should
// open on the run, not on them.
void PrintLoadReport(std::ostream& os, const scenario::LoadResult& loaded, const std::string& path);

// Runs `s` into `out_dir`: 0, or 2 with `cmslab <command>: <file>: <reason>` on stderr.
// With `announce`, a line on stdout says how long it simulated and where it wrote.
int RunInto(std::string_view command, const scenario::Scenario& s, const std::string& out_dir,
            bool announce);

} // namespace cmslab::cli
