// tshark as the judge of a capture: decoded fields, and the expert findings.
#pragma once

#include <string>
#include <vector>

namespace cmslab::testing {

// `tshark -r pcap [extra...] -Y filter -T fields -e f1 -e f2 ...` with checksum
// validation on; one string per output line. Fails the calling test (gtest) when tshark
// is missing or errs.
std::vector<std::string> TsharkFields(const std::string& pcap, const std::string& filter,
                                      const std::vector<std::string>& fields,
                                      const std::vector<std::string>& extra = {});
// The frames at warning level or above (`_ws.expert.severity >= warning`), as text.
std::string TsharkWarnings(const std::string& pcap, const std::vector<std::string>& extra = {});

} // namespace cmslab::testing
