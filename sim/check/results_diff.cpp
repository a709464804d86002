#include "check/results_diff.h"

#include "check/json_field.h"
#include "check/normalise.h"
#include "check/run_files.h"
#include "scenario/diagnostic.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace cmslab::check {

namespace {

using nlohmann::json;

bool IsPortKey(const std::string& key) {
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("port") != std::string::npos;
}

// A measured time in whole milliseconds (the CMS's TURN roundTripTimeMs): it moves with the
// traffic the seed makes (handshake sizes, queueing), as the fractional durations that
// NormaliseText replaces do.
bool IsMeasuredMsKey(const std::string& key) {
    const std::string suffix = "TimeMs";
    return key.size() >= suffix.size() &&
           key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Leaves of a JSON document as pointer -> normalised JSON text. Empty arrays and objects
// are leaves too, so "no faults" and "one fault" differ.
void Flatten(const json& value, const std::string& pointer, const std::string& key,
             std::map<std::string, std::string>& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [k, v] : value.items())
            Flatten(v, scenario::JoinPointer(pointer, k), k, out);
        return;
    }
    if (value.is_array() && !value.empty()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            Flatten(value[i], scenario::JoinPointer(pointer, i), key, out);
        return;
    }
    if (value.is_number_integer() && IsPortKey(key) && value.get<std::int64_t>() >= 10000 &&
        value.get<std::int64_t>() <= 65535) {
        out[pointer] = "<port>";
        return;
    }
    if (value.is_number() && IsMeasuredMsKey(key)) {
        out[pointer] = "<ms>";
        return;
    }
    out[pointer] = NormaliseText(value.dump());
}

std::map<std::string, int> LineCounts(const std::vector<std::string>& lines) {
    std::map<std::string, int> counts;
    for (const auto& line : lines)
        ++counts[NormaliseLogLine(line)];
    return counts;
}

std::vector<std::string> Union(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
    std::set<std::string> all(a.begin(), a.end());
    all.insert(b.begin(), b.end());
    return {all.begin(), all.end()};
}

class Differ {
  public:
    Differ(std::string a, std::string b) : m_a(std::move(a)), m_b(std::move(b)) {}

    ResultsDiff Run() {
        const auto sa = ReadSummary(m_a);
        const auto sb = ReadSummary(m_b);
        if (!sa)
            m_d.problems.push_back(m_a + ": no summary.json (the run wrote no outcome)");
        if (!sb)
            m_d.problems.push_back(m_b + ": no summary.json (the run wrote no outcome)");
        if (sa && sb) {
            Stages(*sa, *sb);
            const std::string va = StringField(sa->value("guest_view", json::object()), "screen");
            const std::string vb = StringField(sb->value("guest_view", json::object()), "screen");
            if (va != vb) {
                m_d.screen_a = va;
                m_d.screen_b = vb;
            }
        }
        Logs();
        Status();
        return std::move(m_d);
    }

  private:
    void Stages(const json& a, const json& b) {
        const json sa = a.value("stages", json::object());
        const json sb = b.value("stages", json::object());
        json both = sb.is_object() ? sb : json::object();
        if (sa.is_object())
            both.update(sa);
        const std::vector<std::string> order = StageOrder(both);
        for (const auto& name : order) {
            const json ra = sa.value(name, json::object());
            const json rb = sb.value(name, json::object());
            StageChange c{name, StringField(ra, "status"), StringField(rb, "status"),
                          StringField(ra, "detail"), StringField(rb, "detail")};
            if (c.status_a != c.status_b || NormaliseText(c.detail_a) != NormaliseText(c.detail_b))
                m_d.stages.push_back(std::move(c));
        }
    }

    void Logs() {
        const auto nodes =
            Union(NodeFiles(m_a + "/logs", ".log"), NodeFiles(m_b + "/logs", ".log"));
        for (const auto& node : nodes) {
            const auto la = ReadLog(m_a, node);
            const auto lb = ReadLog(m_b, node);
            LogChange c;
            c.node = node;
            c.missing_a = !la;
            c.missing_b = !lb;
            const auto ca = la ? LineCounts(*la) : std::map<std::string, int>{};
            const auto cb = lb ? LineCounts(*lb) : std::map<std::string, int>{};
            // In the order of each log, not alphabetical: the story of the run reads on.
            auto extra = [](const std::vector<std::string>& lines, std::map<std::string, int> mine,
                            const std::map<std::string, int>& other) {
                std::vector<std::string> out;
                for (const auto& [line, n] : other)
                    mine[line] -= n;
                for (const auto& raw : lines) {
                    const auto line = NormaliseLogLine(raw);
                    auto it = mine.find(line);
                    if (it != mine.end() && it->second > 0) {
                        --it->second;
                        out.push_back(line);
                    }
                }
                return out;
            };
            if (la)
                c.removed = extra(*la, ca, cb);
            if (lb)
                c.added = extra(*lb, cb, ca);
            if (!c.removed.empty() || !c.added.empty() || c.missing_a != c.missing_b)
                m_d.logs.push_back(std::move(c));
        }
    }

    void Status() {
        const auto nodes =
            Union(NodeFiles(m_a + "/status", ".json"), NodeFiles(m_b + "/status", ".json"));
        for (const auto& node : nodes) {
            std::map<std::string, std::string> fa, fb;
            if (auto a = ReadStatus(m_a, node))
                Flatten(*a, "", "", fa);
            if (auto b = ReadStatus(m_b, node))
                Flatten(*b, "", "", fb);
            std::set<std::string> pointers;
            for (const auto& [p, _] : fa)
                pointers.insert(p);
            for (const auto& [p, _] : fb)
                pointers.insert(p);
            for (const auto& p : pointers) {
                auto ia = fa.find(p);
                auto ib = fb.find(p);
                const std::string va = ia == fa.end() ? "" : ia->second;
                const std::string vb = ib == fb.end() ? "" : ib->second;
                if (va != vb)
                    m_d.status.push_back({node, p, va, vb});
            }
        }
    }

    std::string m_a, m_b;
    ResultsDiff m_d;
};

std::string OrNone(const std::string& s, const char* none) {
    return s.empty() ? none : s;
}

} // namespace

ResultsDiff DiffResults(const std::string& dir_a, const std::string& dir_b) {
    return Differ(dir_a, dir_b).Run();
}

std::string ResultsDiff::Text(const std::string& label_a, const std::string& label_b) const {
    if (Empty())
        return "no difference\n";
    std::string out;
    for (const auto& p : problems)
        out += "unusable: " + p + "\n";
    if (!stages.empty()) {
        out += "stages:\n";
        for (const auto& c : stages) {
            out += "  " + c.stage + ": " + OrNone(c.status_a, "(none)");
            out += c.status_a == c.status_b ? " (detail changed)"
                                            : " -> " + OrNone(c.status_b, "(none)");
            out += "\n";
            if (!c.detail_a.empty())
                out += "    " + label_a + ": " + c.detail_a + "\n";
            if (!c.detail_b.empty())
                out += "    " + label_b + ": " + c.detail_b + "\n";
        }
    }
    if (screen_a != screen_b)
        out += "guest view: " + OrNone(screen_a, "(none)") + " -> " + OrNone(screen_b, "(none)") +
               "\n";
    for (const auto& c : logs) {
        out += "logs/" + c.node + ".log:";
        if (c.missing_a != c.missing_b)
            out += c.missing_a ? " (only " + label_b + " wrote it)"
                               : " (only " + label_a + " wrote it)";
        out += "\n";
        for (const auto& line : c.removed)
            out += "  - " + line + "\n";
        for (const auto& line : c.added)
            out += "  + " + line + "\n";
    }
    std::string node;
    for (const auto& c : status) {
        if (c.node != node) {
            node = c.node;
            out += "status/" + node + ".json:\n";
        }
        out += "  " + (c.pointer.empty() ? std::string("\"\"") : c.pointer) + ": " +
               OrNone(c.value_a, "(absent)") + " -> " + OrNone(c.value_b, "(absent)") + "\n";
    }
    return out;
}

} // namespace cmslab::check
