// Real programs for interop tests (openssl, tshark, dig, curl, turnserver): always bounded
// in time, always killed and reaped at the end.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmslab::testkit {

// Full path of `program` on PATH ("" when missing); a name with a slash is checked as is.
std::string FindProgram(const std::string& program);
inline bool ProgramExists(const std::string& program) {
    return !FindProgram(program).empty();
}

// A program left running while the test talks to it (a server such as turnserver or
// openssl s_server, or a client whose output is read as it comes). Killed (SIGKILL) and
// reaped on destruction, whatever happened in the test.
class BackgroundProcess {
  public:
    enum class Output {
        Merged,   // stdout and stderr into Out(), interleaved as written
        Separate, // stdout into Out(), stderr into Err()
    };

    BackgroundProcess() = default;
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    // Starts argv[0] (looked up on PATH) with a pipe on stdin; false when it cannot run or
    // the previous child still runs (a finished one's output is dropped).
    bool Start(const std::vector<std::string>& argv, Output output = Output::Merged);
    // The same with stdout and stderr into `log_file`: for chatty servers whose output
    // nobody reads while they run (a full pipe would stall them).
    bool StartLoggingTo(const std::vector<std::string>& argv, const std::string& log_file);

    void CloseInput();
    // The stdout pipe, for a caller that polls it with its own sockets; -1 when closed.
    int OutputFd() const { return m_out; }
    // Reads what arrives within `timeout`; false once every output pipe is at EOF.
    bool ReadSome(std::chrono::milliseconds timeout);
    // Reads until `needle` shows in Out() or the timeout passes.
    bool WaitFor(const std::string& needle, std::chrono::milliseconds timeout);
    // Waits for the exit, reading output meanwhile; kills it at the timeout. The exit
    // code, or -1 when it was killed or died of a signal.
    int Wait(std::chrono::milliseconds timeout);
    bool TimedOut() const { return m_timed_out; }
    void Kill();

    const std::string& Out() const { return m_output[0]; }
    const std::string& Err() const { return m_output[1]; }
    pid_t Pid() const { return m_pid; }

  private:
    bool Reset(); // false while a child runs: one child per object at a time
    bool Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd);
    void Reap(int status);

    pid_t m_pid = -1;
    int m_in = -1;
    int m_out = -1;
    int m_err = -1;
    int m_status = -1;
    bool m_timed_out = false;
    std::string m_output[2];
};

struct ProcessResult {
    bool started = false;
    bool timed_out = false;
    int exit_code = -1; // -1 when it did not start, was killed or died of a signal
    std::string out;    // with Output::Merged, stderr too
    std::string err;
};

// Runs a program to its end with stdin at EOF; killed at the deadline.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds deadline = std::chrono::seconds(20),
                         BackgroundProcess::Output output = BackgroundProcess::Output::Separate);

} // namespace cmslab::testkit
