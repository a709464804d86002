#include "tshark.h"

#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>

namespace cmslab::network::test {

namespace {

std::string Quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::vector<std::string> RunLines(const std::string& command, bool& ok) {
    std::vector<std::string> lines;
    ok = false;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        return lines;
    std::string current;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) {
        for (std::size_t i = 0; i < n; ++i) {
            if (buf[i] == '\n') {
                lines.push_back(current);
                current.clear();
            } else {
                current += buf[i];
            }
        }
    }
    if (!current.empty())
        lines.push_back(current);
    const int status = pclose(pipe);
    ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return lines;
}

} // namespace

bool TsharkAvailable() {
    return std::system("command -v tshark >/dev/null 2>&1") == 0;
}

std::vector<std::string> Tshark(const std::string& pcap, const std::string& args, bool& ok) {
    const std::string command = "timeout 60 tshark -n -r " + Quote(pcap) +
                                " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
                                " -o tcp.check_checksum:TRUE " +
                                args + " 2>/dev/null";
    return RunLines(command, ok);
}

std::vector<std::string> ExpertProblems(const std::string& pcap, bool& ok) {
    return Tshark(pcap,
                  "-Y '_ws.expert.severity >= warning' -T fields -e frame.number "
                  "-e _ws.expert.message",
                  ok);
}

} // namespace cmslab::network::test
