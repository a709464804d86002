// JUnit XML, the report format CI servers (Jenkins, GitLab, GitHub actions) show per test:
// one <testsuite>, one <testcase> per scenario; <failure> for a run that differs from its
// expectations, <error> for one that could not be judged (does not load, crashed, timed
// out), <skipped> for one with nothing to compare.
#pragma once

#include <string>
#include <vector>

namespace cmslab::check {

struct JunitCase {
    enum class Kind { Passed, Failed, Error, Skipped };
    std::string name;      // the scenario's name
    std::string classname; // groups cases in CI views: "cmslab.check"
    std::string file;      // the scenario file
    double seconds = 0;
    Kind kind = Kind::Passed;
    std::string message;    // one line: the failure's or error's headline
    std::string text;       // the body: differences, diagnosis, what the child said
    std::string system_out; // where the run's files are
};

std::string JunitXml(const std::string& suite, const std::vector<JunitCase>& cases);

// Writes JunitXml to `path` (through a temporary file). "" on success, else what failed.
std::string WriteJunit(const std::string& path, const std::string& suite,
                       const std::vector<JunitCase>& cases);

} // namespace cmslab::check
