// The NAT/firewall's log lines (component "firewall"): one per new flow it accepts by a
// rule or drops.
#pragma once

#include "log_lines/line_fields.h"

#include <optional>
#include <string>
#include <string_view>

namespace cmslab::log_lines {

// Where the dropped flow was going: which of the firewall's three drop lines it is.
enum class FirewallPath { Inbound, Outbound, Hairpin };

// "dropped inbound UDP 198.51.100.9:54 -> 203.0.113.10:40000 (no rule matches; default
// deny)", "dropped outbound ...", and on the hairpin path "dropped UDP ... (NAT reflection
// is off)".
struct FirewallDropLine {
    FirewallPath path = FirewallPath::Inbound;
    std::string protocol;    // "TCP", "UDP", "ICMP echo request", "IP protocol 47"
    std::string source;      // address:port, or the address without ports
    std::string destination; // as on the wire before translation
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("protocol", self.protocol);
        f("source", self.source);
        f("destination", self.destination);
    }
};
bool operator==(const FirewallDropLine& a, const FirewallDropLine& b);
// The path picks the wording; Parse tries the three.
struct FirewallDrop {
    static std::string Format(const FirewallDropLine& line);
    static std::optional<FirewallDropLine> Parse(std::string_view text);
};

// "accepted inbound TCP 198.51.100.9:49152 -> 203.0.113.10:443 (rule 1 \"web\"), to
// 10.0.0.5": a new inbound flow a rule admitted; `inside` is empty when the destination
// is not translated.
struct FirewallAcceptLine {
    std::string protocol;
    std::string source;
    std::string destination;
    std::string rule; // "rule 1 \"web\""
    std::string inside;
    template <class Self, class F> static void Fields(Self& self, F&& f) {
        f("protocol", self.protocol);
        f("source", self.source);
        f("destination", self.destination);
        f("rule", self.rule);
        f("inside", self.inside);
    }
};
// An inside address picks the wording with ", to <inside>".
struct FirewallAccept {
    static std::string Format(const FirewallAcceptLine& line);
    static std::optional<FirewallAcceptLine> Parse(std::string_view text);
};

} // namespace cmslab::log_lines
