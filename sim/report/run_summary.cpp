#include "report/run_summary.h"

#include "diagnosis/results_folder.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace cmslab::report {

namespace {} // namespace

std::string RunSummaryText(const nlohmann::json& summary, const std::string& report_path) {
    using nlohmann::json;
    std::string out;
    static const char* const order[] = {"dns",  "tcp",        "tls",         "certificate",
                                        "http", "web_bridge", "guest_login", "turn",
                                        "ice",  "dtls",       "media"};
    const json& stages = summary.value("stages", json::object());
    for (const char* name : order) {
        if (!stages.contains(name))
            continue;
        const json& stage = stages[name];
        std::string status = diagnosis::StringAt(stage, "status");
        if (status == "not_reached")
            status = "not reached";
        char line[64];
        std::snprintf(line, sizeof line, "  %-12s %-12s", name, status.c_str());
        out += line + diagnosis::StringAt(stage, "detail") + "\n";
    }
    const json& view = summary.value("guest_view", json::object());
    out += "  screen: " + diagnosis::StringAt(view, "screen") + " \"" +
           diagnosis::StringAt(view, "title") + "\"";
    if (!diagnosis::StringAt(view, "text").empty())
        out += " " + diagnosis::StringAt(view, "text");
    out += "\n";
    const json& media = summary.value("media", json::object());
    out += "  media: " + std::to_string(media.value("sent", json::object()).value("packets", 0)) +
           " packets sent, " +
           std::to_string(media.value("received", json::object()).value("packets", 0)) +
           " received\n";
    // A crowd: its aggregate in one line (guests.jsonl has the rest).
    const json& crowd = summary.value("crowd", json::object());
    if (!crowd.empty()) {
        const json& outcomes = crowd.value("outcomes", json::object());
        const json& join = crowd.value("join_s", json::object());
        out += "  crowd: " + std::to_string(crowd.value("guests", 0)) + " guests, " +
               std::to_string(outcomes.value("joined", 0)) + " joined, " +
               std::to_string(outcomes.value("failed", 0)) + " failed";
        const json by_stage = crowd.value("first_failed_stage", json::object());
        for (const auto& [stage, n] : by_stage.items())
            out += " (" + stage + ": " + n.dump() + ")";
        if (join.contains("p50"))
            out += "; join p50 " + join["p50"].dump() + " s, p95 " + join["p95"].dump() +
                   " s, max " + join["max"].dump() + " s";
        out += "; peak relays " + std::to_string(crowd.value("peak_relays", 0)) +
               ", peak participants " + std::to_string(crowd.value("peak_participants", 0)) + "\n";
    }
    const json& d = summary.value("diagnosis", json::object());
    const json& causes = d.value("causes", json::array());
    if (causes.empty()) {
        out += "  diagnosis: " + diagnosis::StringAt(d, "verdict") + "\n";
    } else {
        const json& c = causes.front();
        const json& fix = c.value("fix", json::object());
        out += "  cause: " + diagnosis::StringAt(c, "summary") + "\n";
        out += "  fix: " + diagnosis::StringAt(fix, "box") + ", " +
               diagnosis::StringAt(fix, "setting") + ": " + diagnosis::StringAt(fix, "should_be") +
               " (" + diagnosis::StringAt(fix, "where") + ")\n";
    }
    out += "  report: " + report_path + "\n";
    return out;
}

} // namespace cmslab::report
