// tshark as the outside judge of a capture: decoded fields, and the expert findings.
// Every call validates IP, TCP and UDP checksums and runs with a private profile folder,
// so the user's preferences never change a verdict. Each call fails the calling test
// (gtest) when tshark is missing, errs or runs past its deadline.
#pragma once

#include <string>
#include <vector>

namespace cmslab::testkit {

// `tshark -n -r pcap <args...>`; its standard output (stderr, where it warns about
// running as root, is no verdict and is only shown on failure).
std::string Tshark(const std::string& pcap, const std::vector<std::string>& args);

// `-Y filter -T fields -e f1 -e f2 ...` after `extra` (decode-as rules, key logs); one
// string per frame, fields separated by '|'.
std::vector<std::string> TsharkFields(const std::string& pcap, const std::string& filter,
                                      const std::vector<std::string>& fields,
                                      const std::vector<std::string>& extra = {});
// The frames at warning level or above (`_ws.expert.severity >= warning`), in full (-V).
std::string TsharkWarnings(const std::string& pcap, const std::vector<std::string>& extra = {});

std::vector<std::string> SplitLines(const std::string& text);
// The fields of one TsharkFields row: every field, an empty one at either end included,
// so that a column index means the same column on every row.
std::vector<std::string> SplitFields(const std::string& row, char separator = '|');

} // namespace cmslab::testkit
