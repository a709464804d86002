// Step 3b of loading: the expect block beyond what the schema says. The schema already
// names the stages and screens and the keys of each entry; this checks what needs the
// rest of the file (node names) or more than a type (one of contains/absent, the syntax
// of a JSON pointer), so that a wrong expectation is caught before any run, not reported
// as a difference after it.
#include "scenario/loader_context.h"
#include "scenario/suggest.h"

namespace cmslab::scenario::detail {

namespace {

using nlohmann::json;

// RFC 6901: "" or "/"-separated tokens where '~' is only followed by '0' or '1'.
std::string PointerProblem(const std::string& pointer) {
    if (pointer.empty())
        return "";
    if (pointer[0] != '/')
        return "a JSON pointer is empty or starts with '/' (e.g. \"/" + pointer + "\")";
    for (std::size_t i = 0; i < pointer.size(); ++i)
        if (pointer[i] == '~' &&
            (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
            return "'~' in a JSON pointer must be followed by 0 or 1 (\"~0\" is '~', \"~1\" "
                   "is '/')";
    return "";
}

class ExpectChecker {
  public:
    ExpectChecker(const Scenario& s, Context& ctx) : m_s(s), m_ctx(ctx) {
        for (const auto& n : s.nodes)
            m_nodes.push_back(n.name);
    }

    void Run() {
        const json& expect = m_s.expect;
        if (!expect.is_object())
            return;
        if (auto it = expect.find("log_lines"); it != expect.end() && it->is_array())
            for (std::size_t i = 0; i < it->size(); ++i)
                LogLine((*it)[i], JoinPointer("/expect/log_lines", i));
        if (auto it = expect.find("status"); it != expect.end() && it->is_array())
            for (std::size_t i = 0; i < it->size(); ++i)
                Status((*it)[i], JoinPointer("/expect/status", i));
    }

  private:
    void NodeRef(const json& entry, const std::string& base) {
        auto it = entry.find("node");
        if (it == entry.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
            return; // the schema reported it
        const std::string& name = it->get_ref<const std::string&>();
        if (!m_s.FindNode(name))
            m_ctx.Error(JoinPointer(base, "node"),
                        "no node named " + Quote(name) + DidYouMean(name, m_nodes));
    }

    void LogLine(const json& entry, const std::string& base) {
        if (!entry.is_object())
            return;
        NodeRef(entry, base);
        const bool contains = entry.contains("contains");
        const bool absent = entry.contains("absent");
        if (contains && absent)
            m_ctx.Error(base, "give either \"contains\" (the log must show the text) or "
                              "\"absent\" (it must not), not both");
        else if (!contains && !absent)
            m_ctx.Error(base, "give \"contains\" (text the log must show) or \"absent\" (text it "
                              "must not show)");
    }

    void Status(const json& entry, const std::string& base) {
        if (!entry.is_object())
            return;
        NodeRef(entry, base);
        auto it = entry.find("pointer");
        if (it == entry.end() || !it->is_string())
            return;
        const std::string problem = PointerProblem(it->get_ref<const std::string&>());
        if (!problem.empty())
            m_ctx.Error(JoinPointer(base, "pointer"), problem);
    }

    const Scenario& m_s;
    Context& m_ctx;
    std::vector<std::string> m_nodes;
};

} // namespace

void CheckExpect(const Scenario& scenario, Context& ctx) {
    ExpectChecker(scenario, ctx).Run();
}

} // namespace cmslab::scenario::detail
