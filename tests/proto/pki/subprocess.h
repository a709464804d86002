// Runs the real programs the pki and tls tests compare against (openssl, tshark,
// editcap), always bounded in time and killed at the end.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmslab::testutil {

struct CommandResult {
    int exit_code = -1; // -1 if killed or not started
    bool timed_out = false;
    std::string output; // stdout and stderr, interleaved
};

// Full path of `program` on PATH, "" if missing.
std::string FindProgram(const std::string& program);

// Runs argv[0] (looked up on PATH) with `input` on stdin; kills it after `timeout`.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20),
                         const std::string& input = "");

// A program left running while the test talks to it; killed (SIGKILL) and reaped on
// destruction whatever happened.
class ChildProcess {
  public:
    ChildProcess() = default;
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // stdout and stderr go to OutputFd(); stdin to InputFd().
    bool Start(const std::vector<std::string>& argv);
    int OutputFd() const { return m_out; }
    int InputFd() const { return m_in; }
    void CloseInput();
    // Reads what is available within `timeout`, appending to Output(); false at EOF.
    bool ReadSome(std::chrono::milliseconds timeout);
    // Reads until `needle` shows in Output() or the deadline passes.
    bool WaitFor(const std::string& needle, std::chrono::milliseconds timeout);
    // Waits for exit (bounded); kills at the deadline. Returns the exit code or -1.
    int Wait(std::chrono::milliseconds timeout);
    void Kill();
    const std::string& Output() const { return m_output; }
    pid_t Pid() const { return m_pid; }

  private:
    pid_t m_pid = -1;
    int m_out = -1;
    int m_in = -1;
    int m_status = -1;
    std::string m_output;
};

// A private temporary folder, removed with its contents on destruction.
class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "cmslab");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& Path() const { return m_path; }
    std::string File(const std::string& name) const { return m_path + "/" + name; }
    // Writes `content` to File(name) and returns its path.
    std::string Write(const std::string& name, const std::string& content) const;

  private:
    std::string m_path;
};

std::string ReadFile(const std::string& path);

} // namespace cmslab::testutil
