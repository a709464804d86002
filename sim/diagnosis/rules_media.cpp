// Rules for media after the relay (stages ice, dtls, media).
#include "diagnosis/rules.h"
#include "log_lines/cms_lines.h"
#include "log_lines/expressway_e_lines.h"

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

std::optional<Stage> MediaFailure(const RuleContext& ctx) {
    for (Stage s : {Stage::Ice, Stage::Dtls, Stage::Media})
        if (ctx.Stage(s).status == StageStatus::Failed)
            return s;
    return std::nullopt;
}

} // namespace

std::optional<Finding> FirewallBlocksMedia(const RuleContext& ctx) {
    auto stage = MediaFailure(ctx);
    auto pub = ctx.ExpresswayEPublic();
    if (!stage || !pub)
        return std::nullopt;
    // A UDP drop towards the public address on a port that is neither the web proxy's nor
    // TURN's: the relays (the TURN requests rule explains drops on the TURN port).
    std::optional<LogLine> drop;
    for (const auto& d : ctx.FirewallDrops()) {
        if (d.line.path == log_lines::FirewallPath::Hairpin)
            continue; // the NAT reflection rule explains those
        const std::string port = PortOf(d.line.destination);
        if (d.line.protocol == "UDP" && AddressOf(d.line.destination) == *pub && !port.empty() &&
            port != "3478" && port != "443") {
            drop = d.log;
            break;
        }
    }
    if (!drop)
        return std::nullopt;
    std::string range = "the TURN relay port range";
    if (auto l = ctx.Folder().FirstInRole("expressway_e", log_lines::TurnRelays::Parse))
        range = "UDP " + std::to_string(l->line.min_port) + "-" + std::to_string(l->line.max_port);
    Finding f;
    f.cause = "firewall_blocks_media";
    f.summary = "The edge firewall drops UDP to the Expressway-E's TURN relays on " + *pub +
                ": ICE checks and media through the relay never arrive.";
    f.box = "edge firewall (" + drop->node + ")";
    f.setting = "inbound access rule for the TURN relay ports to " + *pub;
    f.where = "the firewall's inbound rules for the Expressway-E public address";
    f.should_be = "allow " + range + " from any to " + *pub +
                  " (Expressway-E Configuration > Traversal > TURN, media port range)";
    f.evidence.push_back(ctx.StageEvidence(*stage));
    f.evidence.push_back(FromLog(*drop));
    return f;
}

std::optional<Finding> NatReflectionOff(const RuleContext& ctx) {
    auto stage = MediaFailure(ctx);
    auto pub = ctx.ExpresswayEPublic();
    if (!stage || !pub)
        return std::nullopt;
    std::optional<LogLine> drop;
    for (const auto& d : ctx.FirewallDrops())
        if (!drop && d.line.path == log_lines::FirewallPath::Hairpin &&
            AddressOf(d.line.destination) == *pub)
            drop = d.log;
    if (!drop)
        return std::nullopt;
    const std::string fw = drop->node;
    Finding f;
    f.cause = "nat_reflection_off";
    f.summary = "Traffic from inside the firewall to the Expressway-E's public address " + *pub +
                " is dropped because NAT reflection (hairpin) is off: the relays, both "
                "advertised on " +
                *pub + ", cannot reach each other, so ICE fails.";
    f.box = "edge firewall (" + fw + ")";
    f.setting = "NAT reflection (hairpin) for the static NAT of the Expressway-E";
    f.where = "the firewall's static NAT for " + *pub;
    f.current = "off";
    f.should_be = "on: translate traffic from the inside addressed to " + *pub +
                  " as traffic from outside (Expressway X12.5.2 and earlier need it with dual NIC "
                  "and static NAT)";
    f.evidence.push_back(ctx.StageEvidence(*stage));
    f.evidence.push_back(FromLog(*drop));
    const nlohmann::json& reflection = At(ctx.Folder().Status(fw), "nat.reflection");
    if (reflection.is_boolean())
        f.evidence.push_back(
            Evidence::Status("status/" + fw + ".json", "nat.reflection", reflection.dump()));
    if (auto l = ctx.Folder().FirstInRole("cms", log_lines::IceFailure::Parse))
        f.evidence.push_back(FromLog(l->log));
    return f;
}

} // namespace cmslab::diagnosis
