#include "log_lines/firewall_lines.h"

namespace cmslab::log_lines {

namespace {

Kind DropKind(FirewallPath path) {
    switch (path) {
    case FirewallPath::Inbound:
        return Kind::FirewallDroppedInbound;
    case FirewallPath::Outbound:
        return Kind::FirewallDroppedOutbound;
    case FirewallPath::Hairpin:
        return Kind::FirewallReflectionOff;
    }
    return Kind::FirewallDroppedInbound;
}

} // namespace

bool operator==(const FirewallDropLine& a, const FirewallDropLine& b) {
    return a.path == b.path && ValuesOf(a) == ValuesOf(b);
}

std::string FirewallDrop::Format(const FirewallDropLine& line) {
    return FormatAs(DropKind(line.path), line);
}
std::optional<FirewallDropLine> FirewallDrop::Parse(std::string_view text) {
    for (FirewallPath path : {FirewallPath::Inbound, FirewallPath::Outbound, FirewallPath::Hairpin})
        if (auto line = ParseAs<FirewallDropLine>(DropKind(path), text)) {
            line->path = path;
            return line;
        }
    return std::nullopt;
}

std::string FirewallAccept::Format(const FirewallAcceptLine& line) {
    return FormatAs(line.inside.empty() ? Kind::FirewallAccepted : Kind::FirewallAcceptedTo, line);
}
std::optional<FirewallAcceptLine> FirewallAccept::Parse(std::string_view text) {
    if (auto line = ParseAs<FirewallAcceptLine>(Kind::FirewallAcceptedTo, text))
        return line;
    return ParseAs<FirewallAcceptLine>(Kind::FirewallAccepted, text);
}

} // namespace cmslab::log_lines
