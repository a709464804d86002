#include "report_run.h"

namespace cmslab::report_tests {

std::string Binary() {
    return std::string(CMSLAB_BINARY_DIR) + "/cmslab";
}

std::string ScenarioPath(const std::string& name) {
    return std::string(CMSLAB_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

ScenarioRun::ScenarioRun(const std::string& scenario, const std::vector<std::string>& extra)
    : m_dir("cmslab-report-" + scenario) {
    m_out = m_dir.File("out");
    // Bounded twice: `timeout` ends a hung simulation, the deadline a hung `timeout`.
    std::vector<std::string> argv = {"timeout", "120", Binary(), "run", ScenarioPath(scenario),
                                     "--out",   m_out};
    argv.insert(argv.end(), extra.begin(), extra.end());
    m_result = testkit::RunProcess(argv, std::chrono::seconds(150));
}

nlohmann::json ScenarioRun::LadderJson() const {
    auto r = testkit::RunProcess({Binary(), "ladder", m_out, "--json"}, std::chrono::seconds(60));
    if (r.exit_code != 0)
        return nullptr;
    return nlohmann::json::parse(r.out, nullptr, false);
}

} // namespace cmslab::report_tests
