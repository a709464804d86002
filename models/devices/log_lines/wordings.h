// The one table of the log lines that someone reads back (sim/diagnosis): for each kind of
// line, the box's log component and the wording with named placeholders. The boxes
// write these lines and the diagnosis reads them through the per-box headers
// (browser_lines.h, firewall_lines.h, ...), which fill and match the wordings here, so a
// wording changed in this table changes both sides at once.
#pragma once

#include "log_lines/pattern.h"

#include <string_view>

namespace cmslab::log_lines {

enum class Kind {
    // browser
    StageFailed,
    TurnAllocate,
    NotCarriedOut,
    TurnUrlGivenUp,
    // NAT/firewall
    FirewallDroppedInbound,
    FirewallDroppedOutbound,
    FirewallReflectionOff,
    FirewallAccepted,
    FirewallAcceptedTo,
    // DNS server
    DnsQuery,
    // Expressway-E
    ListeningOnTcp,
    TurnServicesOff,
    TurnRelays,
    TurnAuthFailure,
    TurnAllocation,
    RequestRefused,
    HostNotLearned,
    TraversalFromPeer,
    TraversalChallenged,
    TraversalAuthenticated,
    TraversalAuthRefused,
    TraversalWrongPassword,
    // Expressway-C
    CacheResolved,
    WebBridgeProbed,
    WebBridgeProbeFailed,
    TraversalZoneFailed,
    // CMS
    WebBridgeNameResolutionFailed,
    WebBridgeTlsFailed,
    WebBridgeConnectFailed,
    IceFailure,
    ParticipantLimitReached,
    TurnTcpFallback,
    TurnAllocatedOverTcp,
};
inline constexpr int kKindCount = static_cast<int>(Kind::TurnAllocatedOverTcp) + 1;

// "browser", "turn", "Warning", ...; "" for a part of a line (a reason inside another).
std::string_view ComponentOf(Kind kind);
// The wording in force (the table's, or a test's override).
std::string_view WordingOf(Kind kind);
// The name of the kind, for test messages: "TurnAllocate".
std::string_view KindName(Kind kind);

std::string Fill(Kind kind, const Values& values);
std::optional<Values> Match(Kind kind, std::string_view text);

} // namespace cmslab::log_lines
