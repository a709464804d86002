#include "sweep/tables.h"

#include "common/text.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cmslab::sweep {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

std::string CsvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string Html(const std::string& s) {
    return XmlEscape(s);
}

std::string Str(const ojson& j, const char* key) {
    if (!j.contains(key))
        return "";
    const ojson& v = j[key];
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_boolean())
        return v.get<bool>() ? "yes" : "no";
    return v.dump();
}

bool WriteText(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out);
}

} // namespace

ojson SweepJson(const std::string& sweep_id, const std::vector<SweepRow>& rows) {
    std::size_t breaks = 0, nothing = 0, missing = 0, named = 0;
    ojson table = ojson::array(), unchanged = ojson::array(), gaps = ojson::array(),
          no_result = ojson::array();
    for (const auto& r : rows) {
        table.push_back(r.Json());
        if (r.outcome == "breaks") {
            ++breaks;
            named += r.names_setting;
        } else if (r.outcome == "breaks_nothing") {
            ++nothing;
            unchanged.push_back(
                {{"variant", r.name}, {"setting", r.setting}, {"change", r.change}});
        } else {
            ++missing;
            no_result.push_back({{"variant", r.name}, {"problem", r.problem}});
        }
        if (r.DiagnosisGap())
            gaps.push_back({{"variant", r.name},
                            {"change", r.change},
                            {"first_failed_stage", r.first_failed_stage},
                            {"verdict", r.verdict},
                            {"cause", r.cause},
                            {"cause_setting", r.cause_setting}});
    }
    char percent[16] = "n/a";
    if (breaks)
        std::snprintf(percent, sizeof percent, "%.1f",
                      100.0 * static_cast<double>(named) / static_cast<double>(breaks));
    return {
        {"sweep", sweep_id},
        {"variants", rows.size()},
        {"breaks", breaks},
        {"breaks_nothing", nothing},
        {"no_result", missing},
        {"diagnosis_accuracy",
         {{"named_changed_setting", named},
          {"of_failed_joins", breaks},
          {"percent", percent},
          {"rule", "the root cause's fix names the product holding the changed setting "
                   "and a word of its key or a value identifying it (sim/sweep/cause_match.h)"}}},
        {"rows", table},
        {"changes_nothing", unchanged},
        {"diagnosis_gaps", gaps},
        {"no_results", no_result}};
}

std::string SweepCsv(const std::vector<SweepRow>& rows) {
    static const char* kColumns[] = {"variant",
                                     "kind",
                                     "setting",
                                     "change",
                                     "outcome",
                                     "first_failed_stage",
                                     "guest_screen",
                                     "verdict",
                                     "cause",
                                     "cause_setting",
                                     "names_changed_setting",
                                     "diagnosis_gap",
                                     "sha256"};
    std::ostringstream out;
    bool first = true;
    for (const char* c : kColumns) {
        out << (first ? "" : ",") << c;
        first = false;
    }
    out << "\n";
    for (const auto& r : rows) {
        const ojson j = r.Json();
        first = true;
        for (const char* c : kColumns) {
            out << (first ? "" : ",") << CsvField(Str(j, c));
            first = false;
        }
        out << "\n";
    }
    return out.str();
}

std::string SweepHtml(const ojson& sweep) {
    std::ostringstream out;
    const ojson& acc = sweep["diagnosis_accuracy"];
    out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>cmslab sweep "
        << Html(Str(sweep, "sweep")) << "</title>\n<style>body{font-family:sans-serif}"
        << "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
        << "font-size:90%;vertical-align:top}tr.breaks_nothing{color:#777}"
        << "tr.gap td.cause{background:#fdd}</style></head><body>\n"
        << "<h1>What breaks if: sweep " << Html(Str(sweep, "sweep")) << "</h1>\n<p>"
        << Str(sweep, "variants") << " variants: " << Str(sweep, "breaks") << " break the join, "
        << Str(sweep, "breaks_nothing") << " change nothing, " << Str(sweep, "no_result")
        << " without a result.</p>\n<p>Diagnosis accuracy: " << Str(acc, "named_changed_setting")
        << " of " << Str(acc, "of_failed_joins") << " failed joins (" << Str(acc, "percent")
        << " %) have a root cause that names the changed setting (" << Html(Str(acc, "rule"))
        << ").</p>\n<h2>Every variant</h2>\n<table><tr><th>variant</th><th>change</th>"
        << "<th>first failed stage</th><th>guest screen</th><th>diagnosis</th>"
        << "<th>names the change</th></tr>\n";
    for (const auto& r : sweep["rows"]) {
        const bool gap = r.value("diagnosis_gap", false);
        out << "<tr class=\"" << Html(Str(r, "outcome")) << (gap ? " gap" : "") << "\"><td>"
            << Html(Str(r, "variant")) << "</td><td>" << Html(Str(r, "change")) << "</td><td>"
            << Html(Str(r, "first_failed_stage")) << "</td><td>" << Html(Str(r, "guest_screen"))
            << "</td><td class=\"cause\">" << Html(Str(r, "verdict"))
            << (Str(r, "cause").empty() ? "" : ": " + Html(Str(r, "cause"))) << "<br>"
            << Html(Str(r, "cause_setting")) << "</td><td>"
            << (Str(r, "outcome") == "breaks" ? Str(r, "names_changed_setting") : "")
            << "</td></tr>\n";
    }
    out << "</table>\n<h2>Diagnosis gaps</h2>\n<p>The join failed and the diagnosis is "
           "undetermined or names another setting.</p>\n<ul>\n";
    for (const auto& g : sweep["diagnosis_gaps"])
        out << "<li>" << Html(Str(g, "variant")) << ": " << Html(Str(g, "change")) << " &rarr; "
            << Html(Str(g, "first_failed_stage")) << ", diagnosis " << Html(Str(g, "verdict"))
            << " " << Html(Str(g, "cause")) << "</li>\n";
    out << "</ul>\n<h2>Changes nothing</h2>\n<p>Every stage of the join still ok: safe to "
           "change as far as the guest's join goes.</p>\n<ul>\n";
    for (const auto& u : sweep["changes_nothing"])
        out << "<li>" << Html(Str(u, "change")) << "</li>\n";
    out << "</ul>\n";
    if (!sweep["no_results"].empty()) {
        out << "<h2>Without a result</h2>\n<ul>\n";
        for (const auto& n : sweep["no_results"])
            out << "<li>" << Html(Str(n, "variant")) << ": " << Html(Str(n, "problem"))
                << "</li>\n";
        out << "</ul>\n";
    }
    out << "</body></html>\n";
    return out.str();
}

Expected<bool> WriteTables(const std::string& dir, const std::string& sweep_id,
                           const std::vector<SweepRow>& rows) {
    const ojson sweep = SweepJson(sweep_id, rows);
    const fs::path d(dir);
    if (!WriteText(d / "sweep.json", sweep.dump(2) + "\n") ||
        !WriteText(d / "sweep.csv", SweepCsv(rows)) ||
        !WriteText(d / "sweep.html", SweepHtml(sweep)))
        return Error{"cannot write the tables into " + dir};
    return true;
}

} // namespace cmslab::sweep
