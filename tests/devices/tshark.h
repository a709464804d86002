// tshark as the outside judge of the captures. Every call is bounded in time.
#pragma once

#include <string>
#include <vector>

namespace cmslab::network::test {

// True when tshark can be run; tests fail (not skip) without it.
bool TsharkAvailable();

// `tshark -r pcap <args>` with checksum validation on for IP, UDP and TCP; stdout lines.
// `ok` is false when tshark did not exit 0.
std::vector<std::string> Tshark(const std::string& pcap, const std::string& args, bool& ok);

// The expert items of warning severity or worse, one line each ("" when none).
std::vector<std::string> ExpertProblems(const std::string& pcap, bool& ok);

} // namespace cmslab::network::test
