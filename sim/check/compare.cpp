#include "check/compare.h"

#include "check/json_field.h"
#include "check/run_files.h"

#include <map>

namespace cmslab::check {

namespace {

using nlohmann::json;

std::string Quote(const std::string& s) {
    return json(s).dump();
}

class Comparison {
  public:
    Comparison(const json& expect, std::string dir) : m_expect(expect), m_dir(std::move(dir)) {}

    std::vector<Difference> Run() {
        if (!m_expect.is_object())
            return {};
        const bool wants_summary = m_expect.contains("stages") || m_expect.contains("guest_view");
        if (wants_summary) {
            m_summary = ReadSummary(m_dir);
            if (!m_summary)
                Add("summary", "summary.json: missing or not a JSON object in " + m_dir +
                                   " (the run wrote no outcome)");
            else {
                Stages();
                GuestView();
            }
        }
        LogLines();
        StatusValues();
        return std::move(m_out);
    }

  private:
    void Add(std::string subject, std::string text) {
        m_out.push_back({std::move(subject), std::move(text)});
    }

    void Stages() {
        auto it = m_expect.find("stages");
        if (it == m_expect.end() || !it->is_object())
            return;
        const json& stages = m_summary->contains("stages") ? (*m_summary)["stages"] : json();
        const std::vector<std::string> order = StageOrder(*it);
        for (const auto& name : order) {
            const json& want = (*it)[name];
            const std::string wanted = want.is_string() ? want.get<std::string>() : want.dump();
            const std::string subject = "stage " + name;
            if (!stages.is_object() || !stages.contains(name)) {
                Add(subject,
                    subject + ": expected " + wanted + ", but summary.json has no such stage");
                continue;
            }
            const json& got = stages[name];
            const std::string status = StringField(got, "status");
            if (status == wanted)
                continue;
            std::string text = subject + ": expected " + wanted + ", got " +
                               (status.empty() ? "no status" : status);
            const std::string detail = StringField(got, "detail");
            if (!detail.empty())
                text += " (" + detail + ")";
            Add(subject, text);
        }
    }

    void GuestView() {
        auto it = m_expect.find("guest_view");
        if (it == m_expect.end())
            return;
        const std::string wanted = it->is_string() ? it->get<std::string>() : it->dump();
        const json view = m_summary->value("guest_view", json::object());
        const std::string screen = StringField(view, "screen");
        if (screen == wanted)
            return;
        std::string text = "guest view: expected " + wanted + ", got " +
                           (screen.empty() ? "no screen in summary.json" : screen);
        std::string shown;
        for (const char* key : {"title", "text", "error_code"}) {
            const std::string value = StringField(view, key);
            if (!value.empty())
                shown += (shown.empty() ? "" : ": ") +
                         (key == std::string("title") ? Quote(value) : value);
        }
        if (!shown.empty())
            text += " (" + shown + ")";
        Add("guest view", text);
    }

    const std::vector<std::string>* Log(const std::string& node) {
        auto it = m_logs.find(node);
        if (it == m_logs.end())
            it = m_logs.emplace(node, ReadLog(m_dir, node)).first;
        return it->second ? &*it->second : nullptr;
    }

    void LogLines() {
        auto it = m_expect.find("log_lines");
        if (it == m_expect.end() || !it->is_array())
            return;
        for (const auto& entry : *it) {
            const std::string node = StringField(entry, "node");
            const std::string subject = "log " + node;
            const std::string contains = StringField(entry, "contains");
            const std::string absent = StringField(entry, "absent");
            if (node.empty() || (contains.empty() == absent.empty())) {
                Add(subject, "log_lines entry " + entry.dump() +
                                 ": needs a node and one of contains or absent");
                continue;
            }
            const auto* lines = Log(node);
            if (!lines) {
                Add(subject, subject + ": logs/" + node + ".log was not written (expected " +
                                 (contains.empty() ? "no line with " + Quote(absent)
                                                   : "a line with " + Quote(contains)) +
                                 ")");
                continue;
            }
            if (!contains.empty()) {
                bool found = false;
                for (const auto& line : *lines)
                    found = found || line.find(contains) != std::string::npos;
                if (!found)
                    Add(subject, subject + ": no line contains " + Quote(contains) + " (" +
                                     std::to_string(lines->size()) + " lines in logs/" + node +
                                     ".log)");
            } else {
                for (std::size_t i = 0; i < lines->size(); ++i)
                    if ((*lines)[i].find(absent) != std::string::npos) {
                        Add(subject, subject + ": line " + std::to_string(i + 1) + " contains " +
                                         Quote(absent) +
                                         ", which should be absent: " + (*lines)[i]);
                        break;
                    }
            }
        }
    }

    void StatusValues() {
        auto it = m_expect.find("status");
        if (it == m_expect.end() || !it->is_array())
            return;
        for (const auto& entry : *it) {
            const std::string node = StringField(entry, "node");
            const std::string pointer = StringField(entry, "pointer");
            const std::string subject =
                "status " + node + " " + (pointer.empty() ? "\"\"" : pointer);
            if (node.empty() || !entry.contains("equals")) {
                Add(subject, "status entry " + entry.dump() + ": needs node, pointer and equals");
                continue;
            }
            const json& wanted = entry["equals"];
            auto page = m_status.find(node);
            if (page == m_status.end())
                page = m_status.emplace(node, ReadStatus(m_dir, node)).first;
            if (!page->second) {
                Add(subject, subject + ": status/" + node + ".json was not written (expected " +
                                 wanted.dump() + ")");
                continue;
            }
            json::json_pointer ptr;
            try {
                ptr = json::json_pointer(pointer);
            } catch (const json::exception&) {
                Add(subject, subject + ": not a JSON pointer");
                continue;
            }
            if (!page->second->contains(ptr)) {
                Add(subject, subject + ": expected " + wanted.dump() + ", but status/" + node +
                                 ".json has nothing there");
                continue;
            }
            const json& got = page->second->at(ptr);
            if (got != wanted)
                Add(subject, subject + ": expected " + wanted.dump() + ", got " + got.dump());
        }
    }

    const json& m_expect;
    std::string m_dir;
    std::optional<json> m_summary;
    std::map<std::string, std::optional<std::vector<std::string>>> m_logs;
    std::map<std::string, std::optional<json>> m_status;
    std::vector<Difference> m_out;
};

} // namespace

std::vector<Difference> CompareWithExpect(const json& expect, const std::string& results_dir) {
    return Comparison(expect, results_dir).Run();
}

bool ExpectsNothing(const json& expect) {
    if (!expect.is_object())
        return true;
    for (const auto& [key, value] : expect.items()) {
        if (key == "guest_view")
            return false;
        if ((value.is_object() || value.is_array()) && !value.empty())
            return false;
    }
    return true;
}

} // namespace cmslab::check
