#include "sweep/result_row.h"

#include "common/json_member.h"
#include "sweep/cause_match.h"

#include <filesystem>
#include <fstream>

namespace cmslab::sweep {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

ojson SweepRow::Json() const {
    return {{"variant", name},
            {"kind", kind},
            {"setting", setting},
            {"change", change},
            {"outcome", outcome},
            {"first_failed_stage", first_failed_stage},
            {"guest_screen", screen},
            {"verdict", verdict},
            {"cause", cause},
            {"cause_setting", cause_setting},
            {"names_changed_setting", names_setting},
            {"diagnosis_gap", DiagnosisGap()},
            {"problem", problem},
            {"sha256", sha256}};
}

Expected<SweepRow> ReadRow(const SweepEntry& entry, const std::string& folder) {
    SweepRow row;
    row.name = entry.name;
    row.kind = entry.kind;
    row.setting = entry.setting;
    row.change = entry.change;
    row.sha256 = entry.sha256;
    row.outcome = "no_result";
    const fs::path summary_path = fs::path(folder) / "summary.json";
    std::ifstream in(summary_path);
    if (!in) {
        row.problem = "no summary.json: the run did not finish (see its log)";
        return row;
    }
    // Ordered: the stages keep the order of the join, so "first failed" is the first.
    const ojson summary = ojson::parse(in, nullptr, false);
    if (!summary.is_object() || !summary.contains("stages") || !summary["stages"].is_object()) {
        row.problem = "summary.json is not a run's summary";
        return row;
    }
    const std::string ran = StringMember(summary, "source_sha256");
    if (ran != entry.sha256)
        return Error{folder + " holds a run of another file than this sweep's " + entry.file +
                     " (its summary.json source_sha256 is " + (ran.empty() ? "missing" : ran) +
                     ", the sweep's is " + entry.sha256 + "): it belongs to another sweep"};
    bool all_ok = true;
    for (const auto& [stage, value] : summary["stages"].items()) {
        const std::string status = StringMember(value, "status");
        if (status != "ok")
            all_ok = false;
        if (status == "failed" && row.first_failed_stage.empty())
            row.first_failed_stage = stage;
    }
    row.outcome = all_ok ? "breaks_nothing" : "breaks";
    if (summary.contains("guest_view"))
        row.screen = StringMember(summary["guest_view"], "screen");
    if (summary.contains("diagnosis") && summary["diagnosis"].is_object()) {
        const ojson& d = summary["diagnosis"];
        row.verdict = StringMember(d, "verdict");
        if (d.contains("causes") && d["causes"].is_array() && !d["causes"].empty()) {
            const ojson& first = d["causes"][0];
            row.cause = StringMember(first, "cause");
            if (first.contains("fix") && first["fix"].is_object())
                row.cause_setting = StringMember(first["fix"], "box") + ": " +
                                    StringMember(first["fix"], "setting");
            row.names_setting = CauseNamesSetting(first, entry.changed);
        }
    }
    return row;
}

} // namespace cmslab::sweep
