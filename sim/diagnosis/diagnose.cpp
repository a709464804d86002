#include "diagnosis/diagnose.h"

#include "diagnosis/rules.h"
#include "log_lines/browser_lines.h"
#include "log_lines/expressway_e_lines.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

// Lines that report trouble in any box's log, for a failure no rule explains: facts for a
// person to start from, never a guess at the cause. This reads no particular box line, so
// it looks for words that any log's trouble uses ("Warning", "fail", ...) rather than
// going through log_lines/: a line nobody wrote a parser for still shows here.
bool Troubled(const std::string& text) {
    for (const char* word : {"Warning", "fail", "dropped", "refused", "NXDOMAIN"})
        if (text.find(word) != std::string::npos)
            return true;
    return false;
}

void Observe(const RuleContext& ctx, Stage failed, Diagnosis& d) {
    d.observations.push_back(ctx.StageEvidence(failed));
    const ResultsFolder& folder = ctx.Folder();
    std::size_t count = 0;
    for (const char* role :
         {"cms", "expressway_e", "expressway_c", "nat_firewall", "dns_server", "browser"}) {
        for (const std::string& node : folder.NodesWithRole(role)) {
            for (const LogLine& l : folder.Log(node)) {
                // What a later stage built on: the relays both sides got.
                const bool relay =
                    failed >= Stage::Ice && log_lines::TurnAllocation::Parse(l.message).has_value();
                if ((Troubled(l.text) || relay) && count < 12) {
                    d.observations.push_back(FromLog(l));
                    ++count;
                }
            }
        }
    }
    // The lab says in its own logs when it did not carry a step out: that is a limit of
    // the lab, reported as such.
    for (const auto& l : folder.FindInRole("browser", log_lines::NotCarriedOut::Parse))
        d.limits.push_back(l.log.file + ":" + std::to_string(l.log.line) + ": " + l.log.text);
}

// A crowd (summary.json's `crowd`) where some guests failed: how many, and the stage
// where most of them first failed (the earliest stage on a tie).
struct CrowdFailures {
    std::uint64_t failed = 0;
    std::uint64_t guests = 0;
    Stage stage = Stage::Dns;
};

std::optional<CrowdFailures> FailedInCrowd(const ResultsFolder& folder) {
    const nlohmann::json& crowd = At(folder.Summary(), "crowd");
    const nlohmann::json& failed = At(crowd, "outcomes.failed");
    if (!failed.is_number_unsigned() || failed.get<std::uint64_t>() == 0)
        return std::nullopt;
    CrowdFailures f;
    f.failed = failed.get<std::uint64_t>();
    const nlohmann::json& guests = At(crowd, "guests");
    f.guests = guests.is_number_unsigned() ? guests.get<std::uint64_t>() : 0;
    const nlohmann::json& by_stage = At(crowd, "first_failed_stage");
    std::uint64_t most = 0;
    for (Stage s : outcome::kAllStages) {
        const nlohmann::json& n = At(by_stage, outcome::StageKey(s));
        if (n.is_number_unsigned() && n.get<std::uint64_t>() > most) {
            most = n.get<std::uint64_t>();
            f.stage = s;
        }
    }
    return f;
}

// The first guest joined; others of its crowd did not: the limits a crowd reaches.
// Every rule whose evidence is there is a cause (the first is the root); with none, the
// verdict is undetermined and the run's observations are listed instead.
Diagnosis Conclude(const RuleContext& ctx, const std::vector<Rule>& rules, Stage failed,
                   Diagnosis d) {
    for (Rule rule : rules)
        if (auto finding = rule(ctx))
            d.causes.push_back(std::move(*finding));
    if (!d.causes.empty()) {
        d.verdict = Diagnosis::Verdict::Fault;
        return d;
    }
    d.verdict = Diagnosis::Verdict::Undetermined;
    Observe(ctx, failed, d);
    return d;
}

Diagnosis DiagnoseCrowd(const RuleContext& ctx, const CrowdFailures& crowd, Diagnosis d) {
    d.failed_stage = outcome::StageKey(crowd.stage);
    d.symptom = std::to_string(crowd.failed) + " of " + std::to_string(crowd.guests) +
                " guests failed, most at " + d.failed_stage +
                " (guests.jsonl); the first guest joined with media";
    return Conclude(ctx, CrowdRules(), crowd.stage, std::move(d));
}

} // namespace

Diagnosis Diagnose(const ResultsFolder& folder) {
    RuleContext ctx(folder);
    Diagnosis d;
    d.expected = ExpectedNotes(ctx);
    std::optional<Stage> failed;
    bool all_ok = true;
    for (Stage s : outcome::kAllStages) {
        const auto status = folder.Outcome().Get(s).status;
        if (status != StageStatus::Ok)
            all_ok = false;
        if (status == StageStatus::Failed && !failed)
            failed = s;
    }
    if (all_ok) {
        if (const auto crowd = FailedInCrowd(folder))
            return DiagnoseCrowd(ctx, *crowd, std::move(d));
        d.verdict = Diagnosis::Verdict::Healthy;
        return d;
    }
    const auto& view = folder.Outcome().guest_view;
    const std::string screen = std::string(outcome::ScreenName(view.screen)) +
                               (view.title.empty() ? "" : " \"" + view.title + "\"");
    if (!failed) {
        d.verdict = Diagnosis::Verdict::Undetermined;
        d.symptom =
            "the join did not finish within the run (no stage failed); the guest sees " + screen;
        return d;
    }
    const auto& record = folder.Outcome().Get(*failed);
    d.failed_stage = outcome::StageKey(*failed);
    d.symptom = d.failed_stage + " failed (" + record.detail + "); the guest sees " + screen;
    return Conclude(ctx, RulesFor(*failed), *failed, std::move(d));
}

Expected<Diagnosis> DiagnoseFolder(const std::string& dir) {
    auto folder = ResultsFolder::Open(dir);
    if (!folder)
        return folder.Err();
    return Diagnose(*folder);
}

Expected<Diagnosis> WriteDiagnosis(const std::string& dir) {
    auto folder = ResultsFolder::Open(dir);
    if (!folder)
        return folder.Err();
    Diagnosis d = Diagnose(*folder);
    const std::string path = dir + "/summary.json";
    std::ifstream in(path);
    nlohmann::ordered_json summary = nlohmann::ordered_json::parse(in, nullptr, false);
    in.close();
    if (summary.is_discarded() || !summary.is_object())
        return Error{path + ": not a JSON object"};
    summary["diagnosis"] = d.Json();
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << summary.dump(2) << "\n";
        if (!out)
            return Error{"cannot write " + tmp};
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        return Error{"cannot replace " + path + ": " + ec.message()};
    return d;
}

} // namespace cmslab::diagnosis
