// Runs a program of the host (`ip`, mostly) and waits for it: the lab configures its
// network namespaces with iproute2 as an administrator would, so what it does can be
// read and repeated by hand.
#pragma once

#include <string>
#include <vector>

namespace cmslab::emulate {

struct CommandResult {
    int exit_code = -1; // -1: it could not be started or did not exit normally
    std::string output; // stdout and stderr together
    bool Ok() const { return exit_code == 0; }
};

// Runs argv[0] (looked up in PATH) with the arguments, stdin from /dev/null.
CommandResult RunHostCommand(const std::vector<std::string>& argv);

// "ip -n cmslab-guest-pc addr add ..." for messages.
std::string CommandText(const std::vector<std::string>& argv);

} // namespace cmslab::emulate
