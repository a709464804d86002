// What differs from run to run without meaning anything: the clock at the start of each
// log line, random identifiers (UUIDs, guest user IDs, ICE credentials, session tokens,
// DTLS fingerprints), measured durations with a fraction ("0.479 ms") and ephemeral or
// relay port numbers (10000 and up). `cmslab diff`
// compares text through these, so two scenarios show only their real changes. Ports
// below 10000 (443, 3478, 7001...) are configuration and stay.
#pragma once

#include <string>
#include <string_view>

namespace cmslab::check {

// The text with run-specific values replaced by placeholders: "<uuid>", "<id>",
// "<hex>", "<fingerprint>", "<port>", "<token>", "<time>".
std::string NormaliseText(std::string_view text);

// The same after removing a leading "YYYY-MM-DD HH:MM:SS[.fff]" time stamp.
std::string NormaliseLogLine(std::string_view line);

} // namespace cmslab::check
