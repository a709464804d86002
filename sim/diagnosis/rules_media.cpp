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

} // namespace cmslab::diagnosis
