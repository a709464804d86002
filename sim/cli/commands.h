// One function per `cmslab` subcommand. Each gets the arguments after the subcommand
// name and returns the process exit code: 0 success, 1 a check that differs, 2 unusable
// input or usage error.
#pragma once

#include <string>
#include <vector>

namespace cmslab::cli {

using Args = std::vector<std::string>;

int Run(const Args& args);
int Emulate(const Args& args);
int Validate(const Args& args);
int Topology(const Args& args);
int Diagnose(const Args& args);
int Check(const Args& args);
int Diff(const Args& args);
int Mutate(const Args& args);
int Sweep(const Args& args);
int Ladder(const Args& args);

} // namespace cmslab::cli
