#include "support/tshark.h"

#include "support/process.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cmslab::testkit {

std::string Tshark(const std::string& pcap, const std::vector<std::string>& args) {
    if (!ProgramExists("tshark")) {
        ADD_FAILURE() << "tshark is not installed (Debian package tshark; tools/setup installs it)";
        return {};
    }
    const TempDir home("cmslab-tshark-home");
    std::vector<std::string> argv{"env",
                                  "HOME=" + home.Path(),
                                  "XDG_CONFIG_HOME=" + home.File(".config"),
                                  "tshark",
                                  "-n",
                                  "-r",
                                  pcap,
                                  "-o",
                                  "ip.check_checksum:TRUE",
                                  "-o",
                                  "tcp.check_checksum:TRUE",
                                  "-o",
                                  "udp.check_checksum:TRUE"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = RunProcess(argv, std::chrono::seconds(60));
    EXPECT_TRUE(r.started) << "could not start tshark: " << r.err;
    EXPECT_FALSE(r.timed_out) << "tshark timed out";
    EXPECT_EQ(r.exit_code, 0) << "tshark failed: " << r.err;
    return r.out;
}

std::vector<std::string> TsharkFields(const std::string& pcap, const std::string& filter,
                                      const std::vector<std::string>& fields,
                                      const std::vector<std::string>& extra) {
    auto args = extra;
    args.insert(args.end(), {"-Y", filter, "-T", "fields", "-E", "separator=|"});
    for (const auto& f : fields) {
        args.push_back("-e");
        args.push_back(f);
    }
    return SplitLines(Tshark(pcap, args));
}

std::string TsharkWarnings(const std::string& pcap, const std::vector<std::string>& extra) {
    auto args = extra;
    args.insert(args.end(), {"-Y", "_ws.expert.severity >= warning", "-V"});
    return Tshark(pcap, args);
}

std::vector<std::string> SplitLines(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<std::string> SplitFields(const std::string& row, char separator) {
    std::istringstream in(row);
    std::vector<std::string> fields;
    for (std::string field; std::getline(in, field, separator);)
        fields.push_back(field);
    // getline sees no field after a final separator, nor in an empty row: an empty one.
    if (row.empty() || row.back() == separator)
        fields.emplace_back();
    return fields;
}

} // namespace cmslab::testkit
