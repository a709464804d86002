// The DNS server's log lines that the diagnosis reads (component "queries").
#pragma once

#include "log_lines/line_fields.h"

#include <optional>
#include <string>
#include <string_view>

namespace cmslab::log_lines {

// "client 198.51.100.9#49153: query: meet.example.net IN A (UDP) -> NXDOMAIN": one
// answered query.
struct DnsQueryLine {
    std::string client;    // address#port
    std::string question;  // "meet.example.net IN A", or "(no question)"
    std::string transport; // "UDP", "TCP"
    std::string answer;    // the RCODE, " TC" when truncated, ": <detail>" when there is one
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("client", self.client);
        f("question", self.question);
        f("transport", self.transport);
        f("answer", self.answer);
    }
};
using DnsQuery = LineKind<Kind::DnsQuery, DnsQueryLine>;

// The name asked about: the question's first word ("meet.example.net").
std::string QueriedName(const DnsQueryLine& line);

} // namespace cmslab::log_lines
