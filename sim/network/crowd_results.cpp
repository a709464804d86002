#include "crowd_results.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>

namespace cmslab::network {

namespace {

using outcome::Stage;
using outcome::StageStatus;

// Seconds with microsecond resolution, as summary.json's times are.
double CrowdSeconds(Duration d) {
    const double s = std::chrono::duration<double>(d).count();
    return std::round(s * 1e6) / 1e6;
}

double CrowdRound3(double v) {
    return std::round(v * 1e3) / 1e3;
}

const outcome::StageRecord* FirstFailed(const outcome::Outcome& o) {
    for (Stage s : outcome::kAllStages)
        if (o.Get(s).status == StageStatus::Failed)
            return &o.Get(s);
    return nullptr;
}

// From arrival to DTLS done: the moment media can flow, the call joined.
std::optional<double> JoinSeconds(const CrowdGuest& g) {
    const auto& dtls = g.outcome.Get(Stage::Dtls);
    if (dtls.status != StageStatus::Ok)
        return std::nullopt;
    return CrowdSeconds(dtls.at - g.arrives);
}

bool ReceivedMedia(const outcome::Outcome& o) {
    return o.media.reception.expected > 0;
}

// Nearest rank (the smallest value with at least p% of the values at or below it).
nlohmann::ordered_json Spread(std::vector<double> v) {
    nlohmann::ordered_json j;
    if (v.empty()) {
        j["count"] = 0;
        return j;
    }
    std::sort(v.begin(), v.end());
    const auto rank = [&v](double p) {
        const auto r = static_cast<std::size_t>(std::ceil(p / 100.0 * v.size()));
        return v[std::max<std::size_t>(r, 1) - 1];
    };
    j["count"] = v.size();
    j["p50"] = CrowdRound3(rank(50));
    j["p95"] = CrowdRound3(rank(95));
    j["max"] = CrowdRound3(v.back());
    return j;
}

} // namespace

std::string CrowdOutcomeName(const outcome::Outcome& o) {
    if (FirstFailed(o))
        return "failed";
    for (Stage s : outcome::kAllStages)
        if (o.Get(s).status != StageStatus::Ok)
            return "unfinished";
    return "joined";
}

nlohmann::ordered_json CrowdGuestJson(const CrowdGuest& g) {
    nlohmann::ordered_json j;
    j["guest"] = g.number;
    j["node"] = g.node;
    j["display_name"] = g.display_name;
    j["call_id"] = g.call_id;
    j["arrives_s"] = CrowdSeconds(g.arrives);
    j["outcome"] = CrowdOutcomeName(g.outcome);
    j["screen"] = outcome::ScreenName(g.outcome.guest_view.screen);
    if (const auto* failed = FirstFailed(g.outcome)) {
        j["failed_stage"] = outcome::StageKey(failed->stage);
        j["detail"] = failed->detail;
    } else {
        j["failed_stage"] = nullptr;
    }
    const auto join = JoinSeconds(g);
    j["join_s"] = join ? nlohmann::ordered_json(*join) : nlohmann::ordered_json(nullptr);
    const auto& m = g.outcome.media;
    nlohmann::ordered_json media;
    media["sent_packets"] = m.sent.packets;
    media["received_packets"] = m.received.packets;
    if (ReceivedMedia(g.outcome)) {
        media["loss_percent"] = CrowdRound3(m.reception.LossPercent());
        media["jitter_ms"] = CrowdRound3(m.reception.jitter_ms);
    }
    j["media"] = media;
    return j;
}

nlohmann::ordered_json CrowdAggregateJson(const std::vector<CrowdGuest>& guests,
                                          const CrowdPeaks& peaks) {
    std::map<std::string, std::size_t> outcomes = {{"joined", 0}, {"failed", 0}, {"unfinished", 0}};
    std::map<std::string, std::size_t> failed_at;
    std::vector<double> join, loss, jitter;
    for (const CrowdGuest& g : guests) {
        ++outcomes[CrowdOutcomeName(g.outcome)];
        if (const auto* failed = FirstFailed(g.outcome))
            ++failed_at[outcome::StageKey(failed->stage)];
        if (const auto s = JoinSeconds(g))
            join.push_back(*s);
        if (ReceivedMedia(g.outcome)) {
            loss.push_back(g.outcome.media.reception.LossPercent());
            jitter.push_back(g.outcome.media.reception.jitter_ms);
        }
    }
    nlohmann::ordered_json j;
    j["guests"] = guests.size();
    nlohmann::ordered_json by_outcome;
    for (const char* key : {"joined", "failed", "unfinished"})
        by_outcome[key] = outcomes[key];
    j["outcomes"] = by_outcome;
    // In stage order, the stages where some guest's join first failed.
    nlohmann::ordered_json by_stage = nlohmann::ordered_json::object();
    for (Stage s : outcome::kAllStages) {
        const auto it = failed_at.find(outcome::StageKey(s));
        if (it != failed_at.end())
            by_stage[it->first] = it->second;
    }
    j["first_failed_stage"] = by_stage;
    j["join_s"] = Spread(join);
    j["media"] = {{"loss_percent", Spread(loss)}, {"jitter_ms", Spread(jitter)}};
    j["peak_relays"] = peaks.relays;
    j["peak_participants"] = peaks.participants;
    j["guests_file"] = "guests.jsonl";
    return j;
}

Expected<std::string> WriteGuestsJsonl(const std::string& out_dir,
                                       const std::vector<CrowdGuest>& guests) {
    const std::string path = out_dir + "/guests.jsonl";
    std::ofstream out(path, std::ios::trunc);
    for (const CrowdGuest& g : guests)
        out << CrowdGuestJson(g).dump() << "\n";
    if (!out)
        return Error{"cannot write " + path};
    return path;
}

} // namespace cmslab::network
