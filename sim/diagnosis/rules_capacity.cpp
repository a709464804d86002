// Rules for limits a crowd reaches: the Expressway-E's TURN relay capacity (508), its
// per-user allocation quota (486), the CMS call's participant limit. Each reads what a
// person would: the error answers in the captures, the boxes' lines, the TURN status
// page's limits and peak. They do not ask which guest was refused: any refusal of the
// kind is the limit reached.
#include "diagnosis/rules.h"
#include "log_lines/cms_lines.h"

#include "stun/constants.h"
#include "stun/error_code.h"

namespace cmslab::diagnosis {

namespace {

struct AllocateRefusals {
    std::string file;
    const StunPacket* first = nullptr;
    std::size_t count = 0;
};

// The Allocate error answers with `code`, counted in the capture that has most of them
// (the side where both the CMS's and the guests' requests are seen once).
AllocateRefusals RefusalsWith(const RuleContext& ctx, std::uint16_t code) {
    AllocateRefusals best;
    for (const CaptureStun& capture : ctx.Stun()) {
        AllocateRefusals here{capture.file, nullptr, 0};
        for (const StunPacket& s : capture.messages) {
            if (s.method != stun::method::kAllocate || !s.IsErrorResponse() || s.error_code != code)
                continue;
            if (!here.first)
                here.first = &s;
            ++here.count;
        }
        if (here.count > best.count)
            best = here;
    }
    return best;
}

std::string CapacityPacketText(const StunPacket& s) {
    return s.Describe() + ", " + s.src.ToString() + " -> " + s.dst.ToString() +
           (s.transport == Transport::Tcp ? " (TCP)" : " (UDP)");
}

// The TURN status page's limits: the value at `key` ("relay_capacity", "peak_relays"),
// with its evidence.
std::optional<std::pair<std::uint64_t, Evidence>> TurnLimit(const RuleContext& ctx,
                                                            const std::string& key) {
    std::string node;
    const nlohmann::json& v =
        At(ctx.Folder().RoleStatus("expressway_e", &node), "turn.limits." + key);
    if (!v.is_number_unsigned())
        return std::nullopt;
    const auto value = v.get<std::uint64_t>();
    return std::make_pair(value, Evidence::Status("status/" + node + ".json",
                                                  "expressway_e.turn.limits." + key,
                                                  std::to_string(value)));
}

// The crowd's line of summary.json, when the run had one.
void AddCrowdEvidence(const RuleContext& ctx, Finding& f) {
    const nlohmann::json& crowd = At(ctx.Folder().Summary(), "crowd");
    if (!crowd.is_object())
        return;
    f.evidence.push_back(Evidence::Summary("crowd.outcomes",
                                           At(crowd, "outcomes").dump() + " (first failed stage: " +
                                               At(crowd, "first_failed_stage").dump() + ")"));
}

} // namespace

std::optional<Finding> TurnRelayCapacity(const RuleContext& ctx) {
    const AllocateRefusals refused = RefusalsWith(ctx, stun::error::kInsufficientCapacity);
    if (!refused.first)
        return std::nullopt;
    const auto capacity = TurnLimit(ctx, "relay_capacity");
    const auto peak = TurnLimit(ctx, "peak_relays");
    const std::string held = capacity ? std::to_string(capacity->first) : std::string("its");
    Finding f;
    f.cause = "turn_relay_capacity";
    f.summary = "The Expressway-E's TURN server is full: it holds " + held +
                " relays at once and answers further Allocates with 508 Insufficient Capacity (" +
                std::to_string(refused.count) + " in " + refused.file +
                "), so those guests get no relay and no media. Each web guest takes two "
                "relays: its browser's and the CMS's for its call.";
    f.box = "Cisco Expressway-E";
    f.setting = "TURN relay capacity (TURN relay licences)";
    f.where = "Expressway-E: Maintenance > Option keys (TURN Relays licences; Status > TURN "
              "relay usage shows the use); in the scenario: turn.relay_capacity";
    f.current = capacity ? std::to_string(capacity->first) + " relays" : std::string();
    f.should_be = "at least two relays per guest expected at once (browser and CMS)" +
                  (peak ? " - more than the " + std::to_string(peak->first) + " held at the peak"
                        : std::string());
    f.also.push_back("or spread the guests over more Expressway-E peers (a cluster), each with "
                     "its own relays");
    f.evidence.push_back(
        Evidence::Packet(refused.file, refused.first->number, CapacityPacketText(*refused.first)));
    if (capacity)
        f.evidence.push_back(capacity->second);
    if (peak)
        f.evidence.push_back(peak->second);
    AddCrowdEvidence(ctx, f);
    return f;
}

std::optional<Finding> TurnUserQuota(const RuleContext& ctx) {
    const AllocateRefusals refused = RefusalsWith(ctx, stun::error::kAllocationQuotaReached);
    if (!refused.first)
        return std::nullopt;
    const auto quota = TurnLimit(ctx, "per_user_quota");
    const std::string user = refused.first->username.value_or("the TURN user");
    Finding f;
    f.cause = "turn_user_quota";
    f.summary = "The Expressway-E allows one TURN username " +
                (quota ? std::to_string(quota->first) : std::string("a limited number of")) +
                " allocations at once and answers further Allocates with 486 Allocation Quota "
                "Reached (" +
                std::to_string(refused.count) + " in " + refused.file +
                "). Every web guest and the CMS use the one account of the CMS turnServers "
                "object, so the quota limits the whole meeting.";
    f.box = "Cisco Expressway-E";
    f.setting = "TURN allocations per user (quota)";
    f.where = "Expressway-E: Configuration > Traversal > TURN; in the scenario: "
              "turn.per_user_quota";
    f.current = quota ? std::to_string(quota->first) + " per user" : std::string();
    f.should_be = "at least two allocations per guest expected at once, as all share one "
                  "username";
    f.evidence.push_back(Evidence::Packet(refused.file, refused.first->number,
                                          CapacityPacketText(*refused.first) +
                                              (refused.first->username ? ", user " + user : "")));
    if (quota)
        f.evidence.push_back(quota->second);
    AddCrowdEvidence(ctx, f);
    return f;
}

std::optional<Finding> CallParticipantLimit(const RuleContext& ctx) {
    const auto refusals = ctx.Folder().FindInRole("cms", log_lines::ParticipantLimitReached::Parse);
    if (refusals.empty())
        return std::nullopt;
    const auto& first = refusals.front();
    const std::string limit = std::to_string(first.line.limit);
    Finding f;
    f.cause = "call_participant_limit";
    f.summary = "The call of space \"" + first.line.name + "\" is full: its participant limit is " +
                limit + " and the CMS refused " + std::to_string(refusals.size()) +
                " guest(s) entry; the web app tells them the meeting is full.";
    f.box = "Cisco Meeting Server";
    f.setting = "participantLimit of the space's call profile";
    f.where = "CMS API: PUT /api/v1/callProfiles/<id> participantLimit=<N> (the call profile of "
              "space " +
              first.line.space + "); in the scenario: spaces[].participant_limit";
    f.current = limit + " participants";
    f.should_be = "at least the number of participants expected at once in the call";
    f.evidence.push_back(FromLog(first.log));
    AddCrowdEvidence(ctx, f);
    return f;
}

} // namespace cmslab::diagnosis
