// One rule per root cause. A rule looks at what the run recorded (stages, logs, status
// pages, captures) and, when the evidence for its cause is there, returns the finding
// with the fix and the citations; otherwise nullopt. Rules never look at the scenario's
// file name or any label: only at what the boxes did.
#pragma once

#include "diagnosis/rule_context.h"

#include <optional>
#include <vector>

namespace cmslab::diagnosis {

using Rule = std::optional<Finding> (*)(const RuleContext&);

// The guest's name look-up (stage dns).
std::optional<Finding> GuestDnsRecord(const RuleContext& ctx);
// TCP to the web proxy (stage tcp): the URL's port, a firewall drop, a wrong A record.
std::optional<Finding> GuestUrlPort(const RuleContext& ctx);
std::optional<Finding> FirewallBlocksWebProxy(const RuleContext& ctx);
std::optional<Finding> GuestDnsWrongAddress(const RuleContext& ctx);
// The Expressway-E certificate (stage certificate).
std::optional<Finding> CertificateNameMismatch(const RuleContext& ctx);
std::optional<Finding> CertificateUntrusted(const RuleContext& ctx);
std::optional<Finding> CertificateExpired(const RuleContext& ctx);
// The web proxy's 400 (stage http).
std::optional<Finding> TraversalZoneDown(const RuleContext& ctx);
std::optional<Finding> ExpresswayCGuestAccountClientUri(const RuleContext& ctx);
// Expressway-C's TLS to the web bridge refused (stage http): no common version or cipher.
std::optional<Finding> WebBridgeTlsMismatch(const RuleContext& ctx);
// The Call Bridge to Web Bridge link (stage web_bridge: no Join call).
std::optional<Finding> CmsWebBridgeUnresolvable(const RuleContext& ctx);
std::optional<Finding> WebBridgeDistrustsCallBridge(const RuleContext& ctx);
std::optional<Finding> CmsWebBridgeUnreachable(const RuleContext& ctx);
// The web app refusing the guest (stage guest_login).
std::optional<Finding> GuestCallIdOrPasscode(const RuleContext& ctx);
// TURN (stage turn).
std::optional<Finding> TurnCredentialsMismatch(const RuleContext& ctx);
std::optional<Finding> TurnServicesOff(const RuleContext& ctx);
std::optional<Finding> FirewallBlocksTurn(const RuleContext& ctx);
std::optional<Finding> TurnClientAddress(const RuleContext& ctx);
// Limits a crowd reaches: TURN relay capacity (508), the per-user quota (486), the
// call's participant limit (stage guest_login).
std::optional<Finding> TurnRelayCapacity(const RuleContext& ctx);
std::optional<Finding> TurnUserQuota(const RuleContext& ctx);
std::optional<Finding> CallParticipantLimit(const RuleContext& ctx);
// Media (stages ice, dtls, media).
std::optional<Finding> NatReflectionOff(const RuleContext& ctx);
std::optional<Finding> FirewallBlocksMedia(const RuleContext& ctx);
std::optional<Finding> SegmentImpairsMedia(const RuleContext& ctx);
// The Call Bridge's own relay (seen by the guest as media that never comes): a firewall
// that drops its TURN requests over UDP and TCP.
std::optional<Finding> FirewallBlocksCmsTurn(const RuleContext& ctx);

// The rules that may explain a failure at `stage`, most specific first.
std::vector<Rule> RulesFor(outcome::Stage stage);
// The rules for a crowd whose first guest joined but others did not.
std::vector<Rule> CrowdRules();

// What looks like an error but is normal: 401 challenges before an authenticated
// Allocate, the traversal zone's digest challenge, Expressway-C's "Success" for a name
// that is not the guests' URL (when the 400 says so).
std::vector<ExpectedNote> ExpectedNotes(const RuleContext& ctx);

} // namespace cmslab::diagnosis
