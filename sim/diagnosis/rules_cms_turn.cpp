// The Call Bridge's own TURN allocation (its relay for the call's media), which the
// guest's stages only show as media that never comes: a firewall between the CMS and the
// TURN server that drops its requests over UDP and, after its fallback, over TCP.
#include "diagnosis/rules.h"
#include "log_lines/cms_lines.h"

#include <set>

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

bool CmsMediaFailed(const RuleContext& ctx) {
    for (Stage s : {Stage::Ice, Stage::Dtls, Stage::Media})
        if (ctx.Stage(s).status == StageStatus::Failed)
            return true;
    return false;
}

// "TCP and UDP" from the protocols of the drop lines.
std::string JoinProtocols(const std::set<std::string>& protocols) {
    std::string out;
    for (const auto& p : protocols)
        out += (out.empty() ? "" : " and ") + p;
    return out;
}

} // namespace

std::optional<Finding> FirewallBlocksCmsTurn(const RuleContext& ctx) {
    if (!CmsMediaFailed(ctx))
        return std::nullopt;
    // No relay for the Call Bridge: ICE failure 2 (no answer from the TURN server).
    std::optional<LogLine> failure;
    for (const auto& l : ctx.Folder().FindInRole("cms", log_lines::IceFailure::Parse))
        if (!failure && l.line.code == 2)
            failure = l.log;
    if (!failure)
        return std::nullopt;
    // Where its Allocates went: the fallback line names both; without one, the
    // turnServers object's serverAddress (any port).
    std::set<std::string> endpoints;
    std::string server_address;
    auto fallback = ctx.Folder().FirstInRole("cms", log_lines::TurnTcpFallback::Parse);
    if (fallback) {
        endpoints = {fallback->line.server, fallback->line.tcp_server};
        server_address = AddressOf(fallback->line.server);
    } else {
        const nlohmann::json& list = At(ctx.Folder().RoleStatus("cms"), "turn_servers");
        if (list.is_array() && !list.empty())
            server_address = StringAt(list[0], "serverAddress");
    }
    if (server_address.empty())
        return std::nullopt;
    std::set<std::string> protocols;
    std::vector<Found<log_lines::FirewallDropLine>> drops;
    for (const auto& d : ctx.FirewallDrops()) {
        const bool to_server = endpoints.empty() ? AddressOf(d.line.destination) == server_address
                                                 : endpoints.count(d.line.destination) > 0;
        if (to_server && protocols.insert(d.line.protocol).second)
            drops.push_back(d);
    }
    if (drops.empty())
        return std::nullopt;
    const auto& first = drops.front();
    const std::string blocked = JoinProtocols(protocols);
    const std::string port = PortOf(first.line.destination);
    const bool outbound = first.line.path == log_lines::FirewallPath::Outbound;
    Finding f;
    f.cause = "firewall_blocks_cms_turn";
    f.summary = "A firewall drops the Call Bridge's own TURN requests to " + server_address + " (" +
                blocked +
                "): the CMS gets no relay for the call, so the guest's relay has nobody to "
                "check with and there is no media.";
    f.box = "firewall (" + first.log.node + ")";
    f.setting = std::string(outbound ? "outbound" : "inbound") + " access rule for TURN (" +
                blocked + " " + port + ") from the CMS to " + server_address;
    f.where =
        std::string("the ") + (outbound ? "outbound" : "inbound") + " rules of " + first.log.node;
    f.should_be = "allow UDP " + port + " from the CMS to " + server_address +
                  " (the turnServers object's serverAddress), or at least TCP " + port +
                  ": the Call Bridge falls back to TURN over TCP when UDP gets no answer";
    f.evidence.push_back(
        ctx.StageEvidence(ctx.Stage(Stage::Ice).status == StageStatus::Failed    ? Stage::Ice
                          : ctx.Stage(Stage::Dtls).status == StageStatus::Failed ? Stage::Dtls
                                                                                 : Stage::Media));
    f.evidence.push_back(FromLog(*failure));
    if (fallback)
        f.evidence.push_back(FromLog(fallback->log));
    for (const auto& d : drops)
        f.evidence.push_back(FromLog(d.log));
    return f;
}

} // namespace cmslab::diagnosis
