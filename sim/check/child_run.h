// Runs a piece of work in a child process of its own, bounded in time. ns-3 keeps global
// state (one simulator, one node list per process), so commands that run several
// scenarios fork before any simulation and run each in a fresh child; a child that
// crashes or hangs is reported and the others still run.
//
// Call it from a process that has not started ns-3 and runs no other thread: the child is
// a copy of the caller at the moment of fork().
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace cmslab::check {

struct ChildResult {
    enum class End {
        Exited,     // returned (exit_code holds its value)
        Signalled,  // killed by a signal it did not ask for: a crash (signal holds it)
        TimedOut,   // still running at the deadline; killed
        NotStarted, // fork() or the log file failed (problem says why)
    };
    End end = End::NotStarted;
    int exit_code = -1;
    int signal = 0;
    double seconds = 0; // wall-clock time until the end
    std::string problem;

    bool Succeeded() const { return end == End::Exited && exit_code == 0; }
    // "exit status 2", "crashed (signal 11, Segmentation fault)", "timed out after 300 s".
    std::string Describe() const;
};

// Runs `body` in a child whose standard output and error go to `log_path` (created or
// truncated; "" leaves them as the parent's). The child ends with body's return value;
// an exception escaping body ends it with status 3 and its message in the log.
ChildResult RunInChild(const std::function<int()>& body, const std::string& log_path,
                       std::chrono::milliseconds timeout);

// The last `max_lines` lines of a file ("" when it cannot be read): what a failed child
// said last.
std::string TailOfFile(const std::string& path, std::size_t max_lines = 20);

} // namespace cmslab::check
