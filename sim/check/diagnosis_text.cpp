#include "check/diagnosis_text.h"

#include <optional>
#include <set>

namespace cmslab::check {

namespace {

using nlohmann::json;

std::string Scalar(const json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_null())
        return "";
    return value.dump();
}

class Renderer {
  public:
    explicit Renderer(std::string indent) : m_indent(std::move(indent)) {}

    std::string Render(const json& d) {
        if (d.is_string()) {
            Line(0, d.get<std::string>());
        } else if (d.is_object()) {
            Object(d);
        } else if (!d.is_null()) {
            Line(0, d.dump());
        }
        return m_out;
    }

  private:
    void Line(int depth, const std::string& text) {
        if (text.empty())
            return;
        // Multi-line strings keep their lines, each indented.
        std::size_t start = 0;
        while (start <= text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos)
                end = text.size();
            if (end > start)
                m_out +=
                    m_indent + std::string(2 * depth, ' ') + text.substr(start, end - start) + "\n";
            start = end + 1;
        }
    }

    void Object(const json& d) {
        std::set<std::string> done;
        auto take = [&](const char* key) -> const json* {
            auto it = d.find(key);
            if (it == d.end())
                return nullptr;
            done.insert(key);
            return &*it;
        };
        // A ready-made text wins: it is the diagnosis's own rendering.
        if (const json* text = take("text");
            text && text->is_string() && !text->get<std::string>().empty()) {
            Line(0, text->get<std::string>());
            return;
        }
        std::string head;
        if (const json* verdict = take("verdict"))
            head = "verdict: " + Scalar(*verdict);
        if (const json* healthy = take("healthy"); healthy && healthy->is_boolean())
            head += std::string(head.empty() ? "" : ", ") +
                    (healthy->get<bool>() ? "healthy" : "not healthy");
        Line(0, head);
        for (const char* key : {"summary", "failed_stage", "symptom", "root_cause", "cause", "fix"})
            if (const json* v = take(key)) {
                if (v->is_object() || v->is_array())
                    Nested(0, key, *v);
                else
                    Line(0, std::string(key) + ": " + Scalar(*v));
            }
        if (const json* causes = take("causes"); causes && causes->is_array())
            for (const auto& c : *causes)
                Cause(c);
        for (const auto& [key, value] : d.items()) {
            if (done.count(key))
                continue;
            if (value.is_array() && value.empty())
                continue;
            Nested(0, key == "expected" ? "looks like an error but is normal" : key, value);
        }
    }

    void Cause(const json& c) {
        if (!c.is_object()) {
            Line(0, "cause: " + Scalar(c));
            return;
        }
        std::string head = "cause";
        if (c.contains("cause"))
            head += " " + Scalar(c["cause"]);
        if (c.contains("summary"))
            head += ": " + Scalar(c["summary"]);
        Line(0, head);
        // The fix first, in the order a person acts on it; then the evidence; then the rest.
        if (c.contains("fix") && c["fix"].is_object()) {
            const json& fix = c["fix"];
            Line(1, "fix:");
            for (const char* key : {"box", "setting", "where", "current", "should_be"})
                if (fix.contains(key))
                    Nested(2, key, fix[key]);
            for (const auto& [key, value] : fix.items())
                if (key != "box" && key != "setting" && key != "where" && key != "current" &&
                    key != "should_be")
                    Nested(2, key, value);
        }
        if (c.contains("evidence"))
            Nested(1, "evidence", c["evidence"]);
        for (const auto& [key, value] : c.items())
            if (key != "cause" && key != "summary" && key != "evidence" &&
                !(key == "fix" && value.is_object()))
                Nested(1, key, value);
    }

    // Anything else: "key: value" for scalars, a heading and indented items otherwise.
    void Nested(int depth, const std::string& key, const json& value) {
        if (!value.is_object() && !value.is_array()) {
            Line(depth, key + ": " + Scalar(value));
            return;
        }
        if (value.empty())
            return;
        if (auto where = EvidenceLine(value)) {
            Line(depth, key + ": " + *where);
            return;
        }
        Line(depth, key + ":");
        if (value.is_object()) {
            for (const auto& [k, v] : value.items())
                Nested(depth + 1, k, v);
            return;
        }
        for (const auto& item : value) {
            if (auto where = EvidenceLine(item)) {
                Line(depth + 1, "- " + *where);
            } else if (item.is_object()) {
                // A note with its evidence ({"text", "evidence"}) or any flat object: its
                // scalars on one line, its nested parts below.
                std::string flat;
                for (const auto& [k, v] : item.items())
                    if (!v.is_object() && !v.is_array())
                        flat +=
                            (flat.empty() ? "" : ", ") + (k == "text" ? "" : k + " ") + Scalar(v);
                Line(depth + 1, "- " + flat);
                for (const auto& [k, v] : item.items())
                    if (v.is_object() || v.is_array())
                        Nested(depth + 2, k, v);
            } else {
                Line(depth + 1, "- " + Scalar(item));
            }
        }
    }

    // Evidence as the diagnosis cites it: "logs/cms.log:17: <line>", "pcap/guest.pcap
    // packet 26: <summary>", "status/cms.json cms.faults[0]: <value>", "summary.json
    // stages.turn: <text>".
    static std::optional<std::string> EvidenceLine(const json& e) {
        if (!e.is_object() || !e.contains("text"))
            return std::nullopt;
        const std::string text = Scalar(e["text"]);
        if (e.contains("log") && e.contains("line"))
            return Scalar(e["log"]) + ":" + Scalar(e["line"]) + ": " + text;
        if (e.contains("pcap") && e.contains("packet"))
            return Scalar(e["pcap"]) + " packet " + Scalar(e["packet"]) + ": " + text;
        if (e.contains("status") && e.contains("path"))
            return Scalar(e["status"]) + " " + Scalar(e["path"]) + ": " + text;
        if (e.contains("summary") && e.size() == 2)
            return "summary.json " + Scalar(e["summary"]) + ": " + text;
        return std::nullopt;
    }

    std::string m_indent;
    std::string m_out;
};

} // namespace

std::string DiagnosisText(const json& summary, const std::string& indent) {
    if (!summary.is_object())
        return "";
    auto it = summary.find("diagnosis");
    if (it == summary.end())
        return "";
    return Renderer(indent).Render(*it);
}

} // namespace cmslab::check
