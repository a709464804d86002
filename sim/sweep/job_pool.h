// Runs command lines as child processes, N at a time, each with a deadline: the built-in
// engine of `cmslab sweep`. Each job is a program and its arguments (exec'd directly, no
// shell) with its output going to a log file. A job that outlives its deadline is killed
// (SIGKILL) and reported; the others go on.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace cmslab::sweep {

struct Job {
    std::vector<std::string> argv; // argv[0]: path of the program
    std::string log_path;          // stdout and stderr; created or truncated
};

struct JobEnd {
    enum class How { Exited, Signalled, TimedOut, NotStarted };
    How how = How::NotStarted;
    int code = -1; // exit status, or the signal
    double seconds = 0;
    std::string Describe() const; // "exit status 0", "killed by signal 11", "timed out after 30 s"
};

// Runs every job, at most `parallel` at once; `on_end(index, end)` is called in the
// parent as each finishes. Returns the ends in job order.
std::vector<JobEnd> RunJobs(const std::vector<Job>& jobs, unsigned parallel,
                            std::chrono::milliseconds timeout,
                            const std::function<void(std::size_t, const JobEnd&)>& on_end);

} // namespace cmslab::sweep
