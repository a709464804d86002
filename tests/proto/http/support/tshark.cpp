#include "tshark.h"

#include "process.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cmslab::testing {

namespace {

std::vector<std::string> BaseArgs(const std::string& pcap, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"tshark", "-n",
                                  "-r",     pcap,
                                  "-o",     "ip.check_checksum:TRUE",
                                  "-o",     "tcp.check_checksum:TRUE",
                                  "-o",     "udp.check_checksum:TRUE"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string RunTshark(std::vector<std::string> args) {
    if (!ProgramExists("tshark")) {
        ADD_FAILURE() << "tshark is not installed (Debian package tshark; tools/setup installs it)";
        return {};
    }
    const auto r = RunProcess(args, std::chrono::seconds(60));
    EXPECT_TRUE(r.started) << "could not start tshark";
    EXPECT_FALSE(r.timed_out) << "tshark timed out";
    EXPECT_EQ(r.exit_code, 0) << "tshark failed: " << r.err;
    return r.out;
}

} // namespace

std::vector<std::string> TsharkFields(const std::string& pcap, const std::string& filter,
                                      const std::vector<std::string>& fields,
                                      const std::vector<std::string>& extra) {
    auto args = BaseArgs(pcap, extra);
    args.insert(args.end(), {"-Y", filter, "-T", "fields", "-E", "separator=|"});
    for (const auto& f : fields) {
        args.push_back("-e");
        args.push_back(f);
    }
    std::istringstream in(RunTshark(args));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string TsharkWarnings(const std::string& pcap, const std::vector<std::string>& extra) {
    auto args = BaseArgs(pcap, extra);
    args.insert(args.end(), {"-Y", "_ws.expert.severity >= warning", "-V"});
    return RunTshark(args);
}

} // namespace cmslab::testing
