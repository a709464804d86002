// Rules for media after the relay (stages ice, dtls, media).
#include "diagnosis/rules.h"

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
    for (const LogLine& l :
         ctx.Folder().GrepRole("nat_firewall", {"dropped", " UDP ", "-> " + *pub + ":"})) {
        if (l.text.find("reflection") != std::string::npos)
            continue; // the NAT reflection rule explains those
        const std::string after = l.text.substr(l.text.find("-> " + *pub + ":") + 4 + pub->size());
        const std::string port = after.substr(0, after.find(' '));
        if (port != "3478" && port != "443") {
            drop = l;
            break;
        }
    }
    if (!drop)
        return std::nullopt;
    std::string range = "the TURN relay port range";
    if (auto l = ctx.Folder().FirstInRole("expressway_e", {"TURN relays on", " ports "})) {
        std::string rest = l->text.substr(l->text.find(" ports ") + 7);
        range = "UDP " + rest.substr(0, rest.find_first_of(", "));
    }
    Finding f;
    f.cause = "firewall_blocks_media";
    f.summary = "The edge firewall drops UDP to the Expressway-E's TURN relays on " + *pub +
                ": ICE checks and media through the relay never arrive.";
    f.box = "edge firewall (" + drop->file.substr(5, drop->file.size() - 9) + ")";
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
    auto drops =
        ctx.Folder().GrepRole("nat_firewall", {"dropped", "-> " + *pub + ":", "reflection"});
    if (drops.empty())
        return std::nullopt;
    const std::string fw = drops.front().file.substr(5, drops.front().file.size() - 9);
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
    f.evidence.push_back(FromLog(drops.front()));
    const nlohmann::json& reflection = At(ctx.Folder().Status(fw), "nat.reflection");
    if (reflection.is_boolean())
        f.evidence.push_back(
            Evidence::Status("status/" + fw + ".json", "nat.reflection", reflection.dump()));
    if (auto l = ctx.Folder().FirstInRole("cms", {"ICE failure"}))
        f.evidence.push_back(FromLog(*l));
    return f;
}

} // namespace cmslab::diagnosis
