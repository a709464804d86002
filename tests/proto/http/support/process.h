// Runs a real program for an interop test: bounded in time, output captured, killed at
// the deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace cmslab::testing {

struct ProcessResult {
    bool started = false;
    bool timed_out = false;
    int exit_code = -1; // -1 when killed by a signal
    std::string out;
    std::string err;
};

ProcessResult RunProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds deadline = std::chrono::seconds(20));

// Whether `name` is an executable in PATH.
bool ProgramExists(const std::string& name);

// A fresh folder under TMPDIR (or /tmp), removed by the destructor.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& Path() const { return m_path; }
    std::string File(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

} // namespace cmslab::testing
