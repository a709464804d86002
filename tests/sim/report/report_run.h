// One `cmslab run` of a scenario into a private folder for the report tests, with the
// built program, bounded in time; and the ladder the builder chose for that folder
// (`cmslab ladder --json`), which the page and the text must agree with.
#pragma once

#include "support/process.h"
#include "support/temp_dir.h"

#include <nlohmann/json.hpp>

#include <string>

namespace cmslab::report_tests {

std::string Binary();
inline bool Contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}
std::string ScenarioPath(const std::string& name);

class ScenarioRun {
  public:
    explicit ScenarioRun(const std::string& scenario, const std::vector<std::string>& extra = {});
    const std::string& Out() const { return m_out; }
    const testkit::ProcessResult& Result() const { return m_result; }
    // `cmslab ladder <out> --json`; null when it failed.
    nlohmann::json LadderJson() const;

  private:
    testkit::TempDir m_dir;
    std::string m_out;
    testkit::ProcessResult m_result;
};

} // namespace cmslab::report_tests
