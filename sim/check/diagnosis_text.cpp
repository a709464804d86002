#include "check/diagnosis_text.h"

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
            Nested(0, key, value);
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
        for (const auto& [key, value] : c.items())
            if (key != "cause" && key != "summary")
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
        Line(depth, key + ":");
        if (value.is_array()) {
            for (const auto& item : value) {
                if (item.is_object()) {
                    // One line per item when it is flat: "text (where)".
                    std::string flat;
                    bool nested = false;
                    for (const auto& [k, v] : item.items()) {
                        if (v.is_object() || v.is_array()) {
                            nested = true;
                            continue;
                        }
                        flat += (flat.empty() ? "" : ", ") + k + " " + Scalar(v);
                    }
                    Line(depth + 1, "- " + flat);
                    if (nested)
                        for (const auto& [k, v] : item.items())
                            if (v.is_object() || v.is_array())
                                Nested(depth + 2, k, v);
                } else {
                    Line(depth + 1, "- " + Scalar(item));
                }
            }
        } else {
            for (const auto& [k, v] : value.items())
                Nested(depth + 1, k, v);
        }
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
