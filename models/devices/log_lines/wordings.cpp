#include "log_lines/wordings.h"

#include "log_lines/wording_override.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace cmslab::log_lines {

namespace {

struct Wording {
    Kind kind;
    std::string_view name;
    std::string_view component;
    std::string_view pattern;
};

// In the order of Kind. The wordings are the products' own where the reference logs show
// them (section 6), and the lab's otherwise.
constexpr Wording kWordings[] = {
    {Kind::StageFailed, "StageFailed", "browser", "{stage} failed: {detail...}"},
    {Kind::TurnAllocate, "TurnAllocate", "browser", "TURN Allocate at {server} as {user}"},
    {Kind::NotCarriedOut, "NotCarriedOut", "browser",
     "{action}: {what...} are not carried out by this browser model yet"},
    {Kind::TurnUrlGivenUp, "TurnUrlGivenUp", "browser",
     "TURN {url}: {why...}; trying the next TURN URL"},
    {Kind::FirewallDroppedInbound, "FirewallDroppedInbound", "firewall",
     "dropped inbound {protocol...} {source} -> {destination} (no rule matches; default deny)"},
    {Kind::FirewallDroppedOutbound, "FirewallDroppedOutbound", "firewall",
     "dropped outbound {protocol...} {source} -> {destination} (no rule matches; default deny)"},
    {Kind::FirewallReflectionOff, "FirewallReflectionOff", "firewall",
     "dropped {protocol...} {source} -> {destination} (NAT reflection is off)"},
    {Kind::FirewallAccepted, "FirewallAccepted", "firewall",
     "accepted inbound {protocol...} {source} -> {destination} ({rule...})"},
    {Kind::FirewallAcceptedTo, "FirewallAcceptedTo", "firewall",
     "accepted inbound {protocol...} {source} -> {destination} ({rule...}), to {inside}"},
    {Kind::DnsQuery, "DnsQuery", "queries",
     "client {client}: query: {question...} ({transport}) -> {answer...}"},
    {Kind::ListeningOnTcp, "ListeningOnTcp", "general",
     "{service...}: listening on TCP {endpoint}"},
    {Kind::TurnServicesOff, "TurnServicesOff", "turn", "TURN services are off"},
    {Kind::TurnRelays, "TurnRelays", "turn",
     "TURN relays on {address} ports {min_port}-{max_port}, advertised as {advertised}; realm "
     "{realm...}"},
    {Kind::TurnAuthFailure, "TurnAuthFailure", "turn",
     "{code} {reason...} to {transport} {client} -> {server} user {user}"},
    {Kind::TurnAllocation, "TurnAllocation", "turn",
     "allocation for {user} from {transport} {client} -> {server}: relay {relay} advertised "
     "{advertised}, lifetime {lifetime} s"},
    {Kind::RequestRefused, "RequestRefused", "webproxy",
     "Request refused: {method} {target} Host: {host} from {peer}: {reason...}; answered 400 "
     "Bad Request"},
    {Kind::HostNotLearned, "HostNotLearned", "",
     "Host '{host}' is not a web bridge URL learned from Expressway-C"},
    {Kind::TraversalFromPeer, "TraversalFromPeer", "traversal", "{line...} ({peer})"},
    {Kind::TraversalChallenged, "TraversalChallenged", "traversal",
     "Traversal zone {zone...}: challenged {method} (realm {realm...})"},
    {Kind::TraversalAuthenticated, "TraversalAuthenticated", "traversal",
     "Traversal zone {zone...}: client authenticated as {user}"},
    {Kind::TraversalAuthRefused, "TraversalAuthRefused", "traversal",
     "Traversal zone {zone...}: authentication failed: {why...}"},
    {Kind::TraversalWrongPassword, "TraversalWrongPassword", "", "wrong password for '{user}'"},
    {Kind::CacheResolved, "CacheResolved", "webproxy",
     "Success: address {name} resolved successfully. {changes...}"},
    {Kind::WebBridgeProbed, "WebBridgeProbed", "webproxy",
     "Meeting Server web bridge {name} at {endpoint} probed successfully ({version}, "
     "certificate {subject...})"},
    {Kind::WebBridgeProbeFailed, "WebBridgeProbeFailed", "webproxy",
     "Meeting Server web bridge {name} at {endpoint}: probe failed: {why...}"},
    {Kind::TraversalZoneFailed, "TraversalZoneFailed", "traversal",
     "Traversal zone {zone...}: Failed: {why...}"},
    {Kind::WebBridgeNameResolutionFailed, "WebBridgeNameResolutionFailed", "Warning",
     "web bridge link {link}: name resolution for \"{host}\" failed"},
    {Kind::WebBridgeTlsFailed, "WebBridgeTlsFailed", "Warning",
     "web bridge link {link}: TLS negotiation failed ({error...})"},
    {Kind::WebBridgeConnectFailed, "WebBridgeConnectFailed", "Warning",
     "failed to establish connection to web bridge link {link} (unknown error)"},
    {Kind::IceFailure, "IceFailure", "Warning", "call {call}: ICE failure {code} ({reason...})"},
    {Kind::ParticipantLimitReached, "ParticipantLimitReached", "Warning",
     "participant \"{jid}\" refused entry to space {space} ({name...}): participant limit "
     "{limit} reached"},
    {Kind::TurnTcpFallback, "TurnTcpFallback", "Info",
     "call {call}: no answer from TURN server {server} over UDP ({why...}); allocating over TCP "
     "to {tcp_server}"},
    {Kind::TurnAllocatedOverTcp, "TurnAllocatedOverTcp", "Info",
     "call {call}: TURN relay {relay} allocated over TCP at {server}"},
};
static_assert(std::size(kWordings) == kKindCount, "one wording for each Kind");

constexpr bool InKindOrder() {
    for (int i = 0; i < kKindCount; ++i)
        if (static_cast<int>(kWordings[i].kind) != i)
            return false;
    return true;
}
static_assert(InKindOrder(), "kWordings is indexed by Kind");

const Wording& Entry(Kind kind) {
    return kWordings[static_cast<int>(kind)];
}

struct InForce {
    std::string pattern;
    std::vector<Segment> segments;
};

// The wordings in force, compiled once; a test's ScopedWording swaps one.
std::array<InForce, kKindCount>& Table() {
    static std::array<InForce, kKindCount> table = [] {
        std::array<InForce, kKindCount> t;
        for (const Wording& w : kWordings) {
            InForce& f = t[static_cast<int>(w.kind)];
            f.pattern = std::string(w.pattern);
            f.segments = CompilePattern(w.pattern);
        }
        return t;
    }();
    return table;
}

std::vector<std::string> Sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

std::string_view ComponentOf(Kind kind) {
    return Entry(kind).component;
}

std::string_view WordingOf(Kind kind) {
    return Table()[static_cast<int>(kind)].pattern;
}

std::string_view KindName(Kind kind) {
    return Entry(kind).name;
}

std::string Fill(Kind kind, const Values& values) {
    return FillPattern(Table()[static_cast<int>(kind)].segments, values);
}

std::optional<Values> Match(Kind kind, std::string_view text) {
    return MatchPattern(Table()[static_cast<int>(kind)].segments, text);
}

ScopedWording::ScopedWording(Kind kind, std::string pattern)
    : m_kind(kind), m_previous(WordingOf(kind)) {
    std::vector<Segment> segments = CompilePattern(pattern);
    if (Sorted(PlaceholderNames(segments)) !=
        Sorted(PlaceholderNames(Table()[static_cast<int>(kind)].segments)))
        throw std::invalid_argument("wording for " + std::string(KindName(kind)) +
                                    " must keep the placeholders of \"" + m_previous + "\"");
    Table()[static_cast<int>(kind)] = InForce{std::move(pattern), std::move(segments)};
}

ScopedWording::~ScopedWording() {
    Table()[static_cast<int>(m_kind)] = InForce{m_previous, CompilePattern(m_previous)};
}

} // namespace cmslab::log_lines
