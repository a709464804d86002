#include "sweep/job_pool.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace cmslab::sweep {

namespace {

using Clock = std::chrono::steady_clock;

struct Running {
    std::size_t index;
    Clock::time_point start;
};

// fork + exec with the log as stdout and stderr; -1 when it could not start. Everything
// the child needs is prepared before fork(), so it only calls async-signal-safe functions.
pid_t Start(const Job& job) {
    const int log = ::open(job.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0)
        return -1;
    std::vector<char*> argv;
    for (const auto& a : job.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0)
            ::dup2(null, STDIN_FILENO);
        ::execv(argv[0], argv.data());
        const char msg[] = "cmslab sweep: cannot execute the job's program\n";
        (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
        ::_exit(127);
    }
    ::close(log);
    return pid;
}

} // namespace

std::string JobEnd::Describe() const {
    switch (how) {
    case How::Exited:
        return "exit status " + std::to_string(code);
    case How::Signalled: {
        const char* name = ::strsignal(code);
        return "killed by signal " + std::to_string(code) +
               (name ? std::string(" (") + name + ")" : "");
    }
    case How::TimedOut:
        return "timed out after " + std::to_string(static_cast<long>(seconds + 0.5)) +
               " s (killed)";
    case How::NotStarted:
        return "not started";
    }
    return "?";
}

std::vector<JobEnd> RunJobs(const std::vector<Job>& jobs, unsigned parallel,
                            std::chrono::milliseconds timeout,
                            const std::function<void(std::size_t, const JobEnd&)>& on_end) {
    std::vector<JobEnd> ends(jobs.size());
    std::map<pid_t, Running> running;
    std::size_t next = 0;
    if (parallel == 0)
        parallel = 1;
    auto finish = [&](std::size_t index, JobEnd end) {
        ends[index] = end;
        if (on_end)
            on_end(index, end);
    };
    while (next < jobs.size() || !running.empty()) {
        while (next < jobs.size() && running.size() < parallel) {
            const pid_t pid = Start(jobs[next]);
            if (pid < 0)
                finish(next, JobEnd{});
            else
                running[pid] = {next, Clock::now()};
            ++next;
        }
        int status = 0;
        const pid_t done = ::waitpid(-1, &status, WNOHANG);
        if (done > 0 && running.count(done)) {
            const Running r = running[done];
            running.erase(done);
            JobEnd end;
            end.seconds = std::chrono::duration<double>(Clock::now() - r.start).count();
            if (WIFEXITED(status)) {
                end.how = JobEnd::How::Exited;
                end.code = WEXITSTATUS(status);
            } else {
                end.how = JobEnd::How::Signalled;
                end.code = WTERMSIG(status);
            }
            finish(r.index, end);
            continue;
        }
        const auto now = Clock::now();
        for (auto it = running.begin(); it != running.end();) {
            if (now - it->second.start < timeout) {
                ++it;
                continue;
            }
            ::kill(it->first, SIGKILL);
            while (::waitpid(it->first, &status, 0) < 0 && errno == EINTR) {
            }
            JobEnd end;
            end.how = JobEnd::How::TimedOut;
            end.seconds = std::chrono::duration<double>(now - it->second.start).count();
            const std::size_t index = it->second.index;
            it = running.erase(it);
            finish(index, end);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return ends;
}

} // namespace cmslab::sweep
