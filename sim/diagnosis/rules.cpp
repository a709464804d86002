#include "diagnosis/rules.h"

#include "log_lines/browser_lines.h"
#include "log_lines/cms_lines.h"
#include "log_lines/expressway_c_lines.h"
#include "log_lines/expressway_e_lines.h"
#include "stun/constants.h"
#include "stun/error_code.h"

#include <map>
#include <set>

namespace cmslab::diagnosis {

std::vector<Rule> RulesFor(outcome::Stage stage) {
    using outcome::Stage;
    switch (stage) {
    case Stage::Dns:
        return {GuestDnsRecord};
    case Stage::Tcp:
        return {GuestUrlPort, FirewallBlocksWebProxy, GuestDnsWrongAddress};
    case Stage::Tls:
        return {};
    case Stage::Certificate:
        return {CertificateNameMismatch, CertificateUntrusted, CertificateExpired};
    case Stage::Http:
        return {TraversalZoneDown, ExpresswayCGuestAccountClientUri, WebBridgeTlsMismatch};
    case Stage::WebBridge:
        return {CmsWebBridgeUnresolvable, WebBridgeDistrustsCallBridge, CmsWebBridgeUnreachable};
    case Stage::GuestLogin:
        return {CallParticipantLimit, GuestCallIdOrPasscode};
    case Stage::Turn:
        return {TurnCredentialsMismatch, TurnUserQuota,      TurnRelayCapacity,
                TurnServicesOff,         FirewallBlocksTurn, TurnClientAddress};
    case Stage::Ice:
    case Stage::Dtls:
    case Stage::Media:
        return {NatReflectionOff, FirewallBlocksMedia, FirewallBlocksCmsTurn, SegmentImpairsMedia};
    }
    return {};
}

std::vector<Rule> CrowdRules() {
    return {TurnUserQuota, TurnRelayCapacity, CallParticipantLimit};
}

std::vector<ExpectedNote> ExpectedNotes(const RuleContext& ctx) {
    std::vector<ExpectedNote> notes;
    // The first 401 on an Allocate without MESSAGE-INTEGRITY is the long-term credential
    // challenge (RFC 8489 section 9.2): one note per client, from the capture where the
    // server is seen at its public address when there is one.
    auto pub = ctx.ExpresswayEPublic();
    // A client behind a static NAT is one host at two addresses (its own on its LAN, the
    // mapped one outside): one note, keyed by its own address.
    std::map<std::string, std::string> own_address_of;
    for (const std::string& fw : ctx.Folder().NodesWithRole("nat_firewall")) {
        const nlohmann::json& mappings = At(ctx.Folder().Status(fw), "nat.mappings");
        if (mappings.is_array())
            for (const auto& m : mappings)
                if (!StringAt(m, "outside").empty() && !StringAt(m, "inside").empty())
                    own_address_of[StringAt(m, "outside")] = StringAt(m, "inside");
    }
    std::map<std::string, ExpectedNote> by_client;
    // Which note of a client to keep: the one where the server is at its public address,
    // then the one where the client is at its own.
    std::map<std::string, int> preference;
    for (const CaptureStun& capture : ctx.Stun()) {
        std::map<std::string, const StunPacket*> requests;
        std::set<std::string> seen_here;
        for (const StunPacket& s : capture.messages) {
            if (s.method != stun::method::kAllocate)
                continue;
            if (s.IsRequest()) {
                requests[s.transaction_id] = &s;
                continue;
            }
            if (!s.IsErrorResponse() || s.error_code != stun::error::kUnauthorized)
                continue;
            auto req = requests.find(s.transaction_id);
            if (req != requests.end() && req->second->has_integrity)
                continue; // a refusal, not a challenge
            const std::string seen_as = s.dst.address.ToString();
            const auto mapped = own_address_of.find(seen_as);
            const bool own = mapped == own_address_of.end();
            const std::string client = own ? seen_as : mapped->second;
            if (seen_here.count(client))
                continue;
            seen_here.insert(client);
            const bool is_public = pub && s.src.address.ToString() == *pub;
            const int score = (is_public ? 2 : 0) + (own ? 1 : 0);
            auto existing = by_client.find(client);
            if (existing != by_client.end() && preference[client] >= score)
                continue;
            ExpectedNote note;
            note.text = "Allocate Error Response 401 Unauthorized from " + s.src.ToString() +
                        " to " + s.dst.ToString() +
                        (s.realm ? " (realm " + *s.realm + ")" : std::string()) +
                        ": the normal TURN challenge that gives the client REALM and NONCE "
                        "before its authenticated Allocate";
            note.evidence = Evidence::Packet(capture.file, s.number, s.Describe());
            by_client[client] = note;
            preference[client] = score;
        }
    }
    for (auto& [client, note] : by_client)
        notes.push_back(note);
    // The traversal zone's digest challenge, answered.
    auto challenge =
        FirstFromPeer(ctx.Folder(), "expressway_e", log_lines::TraversalChallenged::Parse);
    if (challenge &&
        FirstFromPeer(ctx.Folder(), "expressway_e", log_lines::TraversalAuthenticated::Parse))
        notes.push_back(ExpectedNote{"the traversal zone's digest challenge before "
                                     "Expressway-C authenticates: normal",
                                     FromLog(challenge->log)});
    // A TURN URL given up for the next one (UDP silent, TCP next) is what browsers do
    // behind a firewall that drops UDP; when the relay then came, it is no fault.
    if (ctx.Stage(outcome::Stage::Turn).status == outcome::StageStatus::Ok)
        for (const auto& given_up :
             ctx.Folder().FindInRole("browser", log_lines::TurnUrlGivenUp::Parse))
            notes.push_back(ExpectedNote{
                "the browser gave up TURN at " + given_up.line.url + " (" + given_up.line.why +
                    ") and relayed through the next TURN URL of iceServers, as browsers do when "
                    "UDP to the TURN server is blocked: media works, over TCP",
                FromLog(given_up.log)});
    // The same for the Call Bridge's own relay: its Allocate over UDP unanswered, then a
    // relay over TCP; with media flowing that is no fault.
    if (ctx.Stage(outcome::Stage::Media).status == outcome::StageStatus::Ok &&
        ctx.Folder().FirstInRole("cms", log_lines::TurnAllocatedOverTcp::Parse))
        for (const auto& fallback :
             ctx.Folder().FindInRole("cms", log_lines::TurnTcpFallback::Parse))
            notes.push_back(ExpectedNote{
                "the Call Bridge gave up TURN over UDP at " + fallback.line.server + " (" +
                    fallback.line.why + ") and allocated its relay over TCP at " +
                    fallback.line.tcp_server +
                    ", as browsers do when UDP to the TURN server is blocked: media works, its "
                    "relay to the guest stays UDP",
                FromLog(fallback.log)});
    // Expressway-C's "Success" proves only that a name resolves inside: when the 400 says
    // the guests' Host was not learned, that success is not evidence of health.
    if (ctx.Stage(outcome::Stage::Http).status == outcome::StageStatus::Failed) {
        if (auto success =
                ctx.Folder().FirstInRole("expressway_c", log_lines::CacheResolved::Parse))
            notes.push_back(ExpectedNote{
                "Expressway-C's \"Success\" only says that it resolved that name through internal "
                "DNS; it does not check that guests use it",
                FromLog(success->log)});
    }
    return notes;
}

} // namespace cmslab::diagnosis
