#include "report/report_html.h"

#include "diagnosis/results_folder.h"
#include "ladder/deployment_map.h"
#include "ladder/ladder.h"
#include "ladder/ladder_svg.h"
#include "ladder/log_rows.h"
#include "ladder/markup.h"
#include "report/report_style.h"
#include "report/screenshots.h"
#include "report/topology_svg.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

namespace cmslab::report {

namespace {

using ladder::EscapeMarkup;
using nlohmann::json;

// An element id from a box or file name: letters, digits, '-' and '_' only.
std::string IdPart(const std::string& text) {
    std::string out;
    for (char c : text)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return out;
}

std::string LogId(const std::string& node, std::size_t line) {
    return "log-" + IdPart(node) + "-" + std::to_string(line);
}

// "logs/vcse.log" -> "vcse"
std::string NodeOfLogFile(const std::string& file) {
    std::string name = file.substr(file.rfind('/') + 1);
    return name.size() > 4 ? name.substr(0, name.size() - 4) : name;
}

class Page {
  public:
    Page(const diagnosis::ResultsFolder& folder, const ladder::DeploymentMap& map,
         const ladder::Ladder& ladder)
        : m_folder(folder), m_map(map), m_ladder(ladder), m_summary(folder.Summary()) {}

    std::string Render() {
        CollectCitations();
        // One after the other: the diagnosis decides which status pages the page shows.
        std::string body = Header();
        body += Topology();
        body += Screens();
        body += Stages();
        body += LadderSection();
        body += Diagnosis();
        body += Logs();
        body += StatusPages();
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; img-src data:\">"
               "<title>cmslab report: " +
               EscapeMarkup(diagnosis::StringAt(m_summary, "scenario")) + "</title><style>" +
               ReportStyle() + "</style></head><body>\n" + body + "</body></html>\n";
    }

  private:
    // The log lines and status pages the diagnosis cites, to highlight and to render.
    void CollectCitations() {
        auto cite = [&](const json& e) {
            if (e.contains("log") && e.contains("line"))
                m_cited_lines.insert(LogId(NodeOfLogFile(diagnosis::StringAt(e, "log")),
                                           e["line"].get<std::size_t>()));
        };
        const json& d = m_summary.value("diagnosis", json::object());
        for (const json& c : d.value("causes", json::array()))
            for (const json& e : c.value("evidence", json::array()))
                cite(e);
        for (const json& x : d.value("expected", json::array()))
            if (x.contains("evidence"))
                cite(x["evidence"]);
    }

    std::string Header() {
        const json& d = m_summary.value("diagnosis", json::object());
        const std::string verdict = diagnosis::StringAt(d, "verdict");
        std::string h =
            "<header><h1>cmslab: " + EscapeMarkup(diagnosis::StringAt(m_summary, "scenario")) +
            " <span class=\"verdict " + IdPart(verdict) + "\">" + EscapeMarkup(verdict) +
            "</span></h1><p>" + EscapeMarkup(diagnosis::StringAt(m_summary, "description")) +
            "</p>";
        if (!diagnosis::StringAt(d, "symptom").empty())
            h += "<p class=\"symptom\">" + EscapeMarkup(diagnosis::StringAt(d, "symptom")) + "</p>";
        h += "<nav><a href=\"#topology\">topology</a> <a href=\"#screens\">screens</a> <a "
             "href=\"#stages\">stages</a> <a href=\"#ladder\">ladder</a> <a "
             "href=\"#diagnosis\">diagnosis</a> <a href=\"#logs\">logs</a></nav></header>\n";
        return h;
    }

    std::string Topology() {
        std::string s = "<section id=\"topology\"><h2>Deployment</h2>" + TopologySvg(m_map);
        // The firewall's rules as its status page lists them: the ports it opens.
        for (const ladder::Box& b : m_map.Boxes()) {
            const json& fw = m_folder.Status(b.name);
            if (!fw.is_object() || !fw.contains("firewall"))
                continue;
            s += "<table class=\"rules\"><caption>" + EscapeMarkup(b.name) +
                 " firewall rules (default inbound " +
                 EscapeMarkup(diagnosis::StringAt(fw["firewall"], "default_inbound")) +
                 ")</caption><tr><th>#</th><th>direction</th><th>protocol</th><th>destination</"
                 "th><th>ports</th><th>hits</th><th>comment</th></tr>";
            for (const json& r : fw["firewall"].value("rules", json::array()))
                s += "<tr><td>" + r.value("index", json(0)).dump() + "</td><td>" +
                     EscapeMarkup(diagnosis::StringAt(r, "direction")) + "</td><td>" +
                     EscapeMarkup(diagnosis::StringAt(r, "protocol")) + "</td><td>" +
                     EscapeMarkup(diagnosis::StringAt(r, "destination")) + "</td><td>" +
                     EscapeMarkup(diagnosis::StringAt(r, "ports")) + "</td><td>" +
                     r.value("hits", json(0)).dump() + "</td><td>" +
                     EscapeMarkup(diagnosis::StringAt(r, "comment")) + "</td></tr>";
            s += "</table>";
        }
        return s + "</section>\n";
    }

    // The guest's screens in the order the browser's log records them, then the last one
    // as summary.json has it.
    std::string Screens() {
        std::string s =
            "<section id=\"screens\"><h2>What the guest saw</h2><div class=\"screens\">";
        // A real browser's own pictures first: what the guest's screen really showed.
        s += ScreenshotFigures(m_folder.Dir());
        for (const std::string& node : m_folder.NodesWithRole("browser"))
            for (const diagnosis::LogLine& l : m_folder.Log(node)) {
                if (l.message.rfind("screen: ", 0) != 0)
                    continue;
                std::string rest = l.message.substr(8);
                const std::string name = rest.substr(0, rest.find(' '));
                rest = rest.size() > name.size() ? rest.substr(name.size() + 1) : "";
                s += "<div class=\"screen\"><div class=\"bar\">" +
                     EscapeMarkup(l.text.substr(11, 12)) + " <a href=\"#" + LogId(node, l.line) +
                     "\">" + EscapeMarkup(name) + "</a></div><div class=\"page\">" +
                     EscapeMarkup(rest) + "</div></div>";
            }
        const json& v = m_summary.value("guest_view", json::object());
        std::string buttons;
        for (const json& b : v.value("buttons", json::array()))
            buttons += "<span class=\"button\">" + EscapeMarkup(b.get<std::string>()) + "</span>";
        s += "<div class=\"screen final\"><div class=\"bar\">" +
             EscapeMarkup(diagnosis::StringAt(v, "security")) + " " +
             EscapeMarkup(diagnosis::StringAt(v, "url")) + "</div><div class=\"page\"><b>" +
             EscapeMarkup(diagnosis::StringAt(v, "title")) + "</b><br>" +
             EscapeMarkup(diagnosis::StringAt(v, "text")) + "<br>" + buttons + "</div></div>";
        return s + "</div></section>\n";
    }

    std::string Stages() {
        std::string s = "<section id=\"stages\"><h2>Stages of the join</h2><table class=\"stages\">"
                        "<tr><th>stage</th><th>status</th><th>time (ms)</th><th>detail</th></tr>";
        for (const auto& [name, stage] : OrderedStages()) {
            const std::string status = diagnosis::StringAt(stage, "status");
            char t[32] = "";
            if (stage.contains("t_ms") && stage["t_ms"].is_number())
                std::snprintf(t, sizeof t, "%.1f", stage["t_ms"].get<double>());
            s += "<tr id=\"stage-" + IdPart(name) + "\" class=\"" + IdPart(status) + "\"><td>" +
                 EscapeMarkup(name) + "</td><td>" + EscapeMarkup(status) + "</td><td>" + t +
                 "</td><td>" + EscapeMarkup(diagnosis::StringAt(stage, "detail")) + "</td></tr>";
        }
        const json& media = m_summary.value("media", json::object());
        s += "</table><p>media: " + EscapeMarkup(media.dump()) + "</p></section>\n";
        return s;
    }

    // The stages in the order of the join (summary.json's object is sorted by name).
    std::vector<std::pair<std::string, json>> OrderedStages() const {
        static const char* const order[] = {"dns",  "tcp",        "tls",         "certificate",
                                            "http", "web_bridge", "guest_login", "turn",
                                            "ice",  "dtls",       "media"};
        std::vector<std::pair<std::string, json>> out;
        const json& stages = m_summary.value("stages", json::object());
        for (const char* name : order)
            if (stages.contains(name))
                out.emplace_back(name, stages[name]);
        // Not a structured binding: C++17 does not let a lambda capture one (clang refuses).
        for (const auto& item : stages.items()) {
            const std::string& name = item.key();
            if (std::none_of(std::begin(order), std::end(order),
                             [&](const char* o) { return name == o; }))
                out.emplace_back(name, item.value());
        }
        return out;
    }

    std::string LadderSection() {
        std::string s = "<section id=\"ladder\"><h2>Ladder of the join</h2><p class=\"legend\">" +
                        std::to_string(m_ladder.arrows.size()) +
                        " arrows from the captures (each names its capture and frame) and from the "
                        "boxes' logs (dashed); red: an error (4xx, TLS alert, TURN error, ICMP "
                        "unreachable, a retransmission never answered). RTP: first and last packet "
                        "of each stream.</p><div class=\"scroll\">" +
                        ladder::ToSvgElement(m_ladder) + "</div><ul class=\"notes\">";
        for (const std::string& n : m_ladder.notes)
            s += "<li>" + EscapeMarkup(n) + "</li>";
        return s + "</ul></section>\n";
    }

    // An evidence item as a link to where it is on this page.
    std::string Evidence(const json& e) {
        std::string target, where;
        if (e.contains("pcap") && e.contains("packet")) {
            const std::string capture = diagnosis::StringAt(e, "pcap");
            const std::size_t packet = e["packet"].get<std::size_t>();
            where = capture + " packet " + std::to_string(packet);
            if (const ladder::Arrow* a = m_ladder.ArrowOfFrame(capture, packet))
                target = a->id;
        } else if (e.contains("log") && e.contains("line")) {
            where = diagnosis::StringAt(e, "log") + ":" + e["line"].dump();
            target =
                LogId(NodeOfLogFile(diagnosis::StringAt(e, "log")), e["line"].get<std::size_t>());
        } else if (e.contains("status")) {
            where = diagnosis::StringAt(e, "status") + " " + diagnosis::StringAt(e, "path");
            target = "status-" + IdPart(NodeOfStatusFile(diagnosis::StringAt(e, "status")));
            if (!m_status_shown.count(NodeOfStatusFile(diagnosis::StringAt(e, "status"))))
                m_status_wanted.insert(NodeOfStatusFile(diagnosis::StringAt(e, "status")));
        } else if (e.contains("summary")) {
            const std::string path = diagnosis::StringAt(e, "summary");
            where = "summary.json " + path;
            if (path.rfind("stages.", 0) == 0)
                target = "stage-" + IdPart(path.substr(7));
        }
        std::string text = "<span class=\"where\">" + EscapeMarkup(where) + "</span> " +
                           EscapeMarkup(diagnosis::StringAt(e, "text"));
        // A cited log line that the ladder drew as an HTTP row: a link to that arrow too.
        std::string arrow;
        if (e.contains("log") && e.contains("line")) {
            const std::string row = diagnosis::StringAt(e, "log") + ":" + e["line"].dump();
            // The red one when the row drew a request and its refusal.
            const ladder::Arrow* drawn = nullptr;
            for (const ladder::Arrow& a : m_ladder.arrows)
                if (a.log == row && (!drawn || (a.error && !drawn->error)))
                    drawn = &a;
            if (!drawn)
                drawn = AlertNamedBy(NodeOfLogFile(diagnosis::StringAt(e, "log")),
                                     e["line"].get<std::size_t>());
            if (drawn)
                arrow = " <a class=\"evidence\" href=\"#" + drawn->id + "\">(ladder " + drawn->id +
                        ")</a>";
        }
        if (target.empty())
            return "<li>" + text + arrow + "</li>";
        return "<li><a class=\"evidence\" href=\"#" + target + "\">" + text + "</a>" + arrow +
               "</li>";
    }

    // The red TLS or DTLS alert arrow a log line speaks of: the line names the alert
    // ("alert bad_certificate"), the arrow leaves or reaches the log's box within 50 ms.
    const ladder::Arrow* AlertNamedBy(const std::string& node, std::size_t line) const {
        for (const diagnosis::LogLine& l : m_folder.Log(node)) {
            if (l.line != line)
                continue;
            auto epoch = ladder::LogLineEpoch(l.text);
            if (!epoch)
                return nullptr;
            const double t = *epoch - ladder::StartEpoch(m_summary);
            for (const ladder::Arrow& a : m_ladder.arrows) {
                const std::size_t fatal = a.label.find("Alert fatal ");
                if (!a.error || fatal == std::string::npos || (a.from != node && a.to != node) ||
                    std::abs(a.t - t) > 0.05)
                    continue;
                const std::string rest = a.label.substr(fatal + 12);
                const std::string name = rest.substr(0, rest.find(' '));
                if (l.text.find("alert " + name) != std::string::npos)
                    return &a;
            }
        }
        return nullptr;
    }

    static std::string NodeOfStatusFile(const std::string& file) {
        std::string name = file.substr(file.rfind('/') + 1);
        return name.size() > 5 ? name.substr(0, name.size() - 5) : name;
    }

    std::string Diagnosis() {
        const json& d = m_summary.value("diagnosis", json::object());
        std::string s = "<section id=\"diagnosis\"><h2>Diagnosis</h2>";
        for (const json& c : d.value("causes", json::array())) {
            s += "<div class=\"cause\"><p class=\"summary\">" +
                 EscapeMarkup(diagnosis::StringAt(c, "summary")) + "</p>";
            const json& fix = c.value("fix", json::object());
            s += "<table class=\"fix\">";
            for (const char* key : {"box", "setting", "where", "current", "should_be"})
                if (!diagnosis::StringAt(fix, key).empty())
                    s += std::string("<tr><th>") + key + "</th><td>" +
                         EscapeMarkup(diagnosis::StringAt(fix, key)) + "</td></tr>";
            for (const json& also : fix.value("also", json::array()))
                s += "<tr><th>also</th><td>" + EscapeMarkup(also.get<std::string>()) + "</td></tr>";
            s += "</table><h3>Evidence</h3><ul>";
            for (const json& e : c.value("evidence", json::array()))
                s += Evidence(e);
            s += "</ul></div>";
        }
        if (d.value("causes", json::array()).empty())
            s += "<p>" +
                 EscapeMarkup(diagnosis::StringAt(d, "verdict") == "healthy"
                                  ? "Healthy: every stage of the guest join succeeded."
                                  : diagnosis::StringAt(d, "text")) +
                 "</p>";
        const json& expected = d.value("expected", json::array());
        if (!expected.empty()) {
            s += "<h3>Looks like a fault, is not</h3><ul>";
            for (const json& x : expected) {
                if (x.contains("evidence"))
                    s += Evidence(Cleaned(x));
                else
                    s += "<li>" + EscapeMarkup(diagnosis::StringAt(x, "text")) + "</li>";
            }
            s += "</ul>";
        }
        return s + "</section>\n";
    }

    // An "expected" item's evidence with its own text, for Evidence().
    static json Cleaned(const json& x) {
        json e = x["evidence"];
        e["text"] = diagnosis::StringAt(x, "text");
        return e;
    }

    std::string Logs() {
        std::string s = "<section id=\"logs\"><h2>Logs</h2>";
        const json logs = m_summary.value("logs", json::object());
        for (const auto& [node, file] : logs.items()) {
            (void)file;
            const auto& lines = m_folder.Log(node);
            bool cited = false;
            std::string body;
            for (const diagnosis::LogLine& l : lines) {
                const std::string id = LogId(node, l.line);
                const bool here = m_cited_lines.count(id) != 0;
                cited = cited || here;
                body += "<div class=\"line" + std::string(here ? " cited" : "") + "\" id=\"" + id +
                        "\"><span class=\"n\">" + std::to_string(l.line) + "</span>" +
                        EscapeMarkup(l.text) + "</div>";
            }
            s += "<details" + std::string(cited ? " open" : "") + "><summary>" +
                 EscapeMarkup(node) + " (" + std::to_string(lines.size()) +
                 " lines)</summary><div class=\"log\">" + body + "</div></details>";
        }
        return s + "</section>\n";
    }

    std::string StatusPages() {
        std::string s = "<section id=\"status\"><h2>Status pages cited</h2>";
        for (const std::string& node : m_status_wanted) {
            s += "<details open id=\"status-" + IdPart(node) + "\"><summary>status/" +
                 EscapeMarkup(node) + ".json</summary><pre>" +
                 EscapeMarkup(m_folder.Status(node).dump(2)) + "</pre></details>";
            m_status_shown.insert(node);
        }
        return s + "</section>\n";
    }

    const diagnosis::ResultsFolder& m_folder;
    const ladder::DeploymentMap& m_map;
    const ladder::Ladder& m_ladder;
    const json& m_summary;
    std::set<std::string> m_cited_lines;
    std::set<std::string> m_status_wanted;
    std::set<std::string> m_status_shown;
};

} // namespace

Expected<std::string> RenderReport(const std::string& dir) {
    auto folder = diagnosis::ResultsFolder::Open(dir);
    if (!folder)
        return Error{folder.Message()};
    auto map = ladder::DeploymentMap::Read(dir + "/topology.dot");
    if (!map)
        return Error{map.Message()};
    ladder::Ladder empty;
    // A crowd's captures hold every guest's join: a ladder of them all would be as long as
    // the captures and take as much memory. The page says so; `cmslab ladder` draws it.
    const nlohmann::json& crowd = diagnosis::At(folder->Summary(), "crowd.guests");
    if (crowd.is_number_unsigned() && crowd.get<std::uint64_t>() > 1) {
        empty.notes.push_back("no ladder: a crowd of " +
                              std::to_string(crowd.get<std::uint64_t>()) +
                              " guests (guests.jsonl); `cmslab ladder` on this folder draws "
                              "the joins of them all");
        Page page(*folder, *map, empty);
        return page.Render();
    }
    auto built = ladder::BuildLadder(dir);
    if (!built)
        empty.notes.push_back("no ladder: " + built.Message());
    Page page(*folder, *map, built ? *built : empty);
    return page.Render();
}

Expected<std::string> WriteReport(const std::string& dir) {
    auto html = RenderReport(dir);
    if (!html)
        return html;
    const std::string path = dir + "/report.html";
    std::ofstream out(path, std::ios::binary);
    out << *html;
    if (!out.flush())
        return Error{"cannot write " + path};
    return path;
}

} // namespace cmslab::report
