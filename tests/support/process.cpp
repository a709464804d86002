#include "support/process.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cmslab::testkit {

namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

void CloseFd(int& fd) {
    if (fd >= 0) {
        close(fd);
        fd = -1;
    }
}

} // namespace

std::string FindProgram(const std::string& program) {
    if (program.find('/') != std::string::npos)
        return access(program.c_str(), X_OK) == 0 ? program : "";
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = dir + "/" + program;
        if (!dir.empty() && access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

BackgroundProcess::~BackgroundProcess() {
    Kill();
    CloseInput();
    CloseFd(m_out);
    CloseFd(m_err);
}

bool BackgroundProcess::Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
    const std::string program = argv.empty() ? "" : FindProgram(argv[0]);
    int in[2];
    if (program.empty() || pipe2(in, O_CLOEXEC) != 0)
        return false;
    // The pipe ends are close-on-exec; the child gets only its copies on 0, 1 and 2.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    if (rc != 0) {
        close(in[1]);
        return false;
    }
    m_pid = pid;
    m_in = in[1];
    return true;
}

bool BackgroundProcess::Reset() {
    if (m_pid > 0)
        return false;
    CloseInput();
    CloseFd(m_out);
    CloseFd(m_err);
    m_output[0].clear();
    m_output[1].clear();
    m_status = -1;
    m_timed_out = false;
    return true;
}

bool BackgroundProcess::Start(const std::vector<std::string>& argv, Output output) {
    int out[2], err[2] = {-1, -1};
    if (!Reset() || pipe2(out, O_CLOEXEC) != 0)
        return false;
    if (output == Output::Separate && pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        return false;
    }
    const bool ok = Spawn(argv, out[1], output == Output::Separate ? err[1] : out[1]);
    close(out[1]);
    if (err[1] >= 0)
        close(err[1]);
    if (!ok) {
        close(out[0]);
        if (err[0] >= 0)
            close(err[0]);
        return false;
    }
    m_out = out[0];
    m_err = err[0];
    return true;
}

bool BackgroundProcess::StartLoggingTo(const std::vector<std::string>& argv,
                                       const std::string& log_file) {
    if (!Reset())
        return false;
    const int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool ok = Spawn(argv, fd, fd);
    close(fd);
    return ok;
}

void BackgroundProcess::CloseInput() {
    CloseFd(m_in);
}

bool BackgroundProcess::ReadSome(std::chrono::milliseconds timeout) {
    int* fds[2] = {&m_out, &m_err};
    pollfd p[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
    if (m_out < 0 && m_err < 0)
        return false;
    if (poll(p, 2, static_cast<int>(timeout.count())) <= 0)
        return true;
    for (int i = 0; i < 2; ++i) {
        if (p[i].fd < 0 || p[i].revents == 0)
            continue;
        char buf[4096];
        const ssize_t n = read(p[i].fd, buf, sizeof buf);
        if (n > 0)
            m_output[i].append(buf, static_cast<std::size_t>(n));
        else
            CloseFd(*fds[i]);
    }
    return m_out >= 0 || m_err >= 0;
}

bool BackgroundProcess::WaitFor(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Out().find(needle) == std::string::npos) {
        const int left = MillisLeft(deadline);
        if (left == 0 || !ReadSome(std::chrono::milliseconds(left)))
            return Out().find(needle) != std::string::npos;
    }
    return true;
}

void BackgroundProcess::Reap(int status) {
    m_pid = -1;
    m_status = status;
}

int BackgroundProcess::Wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (m_pid > 0) {
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            Reap(status);
            // Collect what is still in the pipes; a grandchild holding them open cannot
            // keep us waiting.
            while (MillisLeft(deadline) > 0) {
                const std::size_t before = m_output[0].size() + m_output[1].size();
                if (!ReadSome(std::chrono::milliseconds(50)) ||
                    m_output[0].size() + m_output[1].size() == before)
                    break;
            }
            break;
        }
        const int left = MillisLeft(deadline);
        if (left == 0) {
            m_timed_out = true;
            Kill();
            return -1;
        }
        if (!ReadSome(std::chrono::milliseconds(std::min(left, 20))))
            usleep(5000);
    }
    return m_status >= 0 && WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -1;
}

void BackgroundProcess::Kill() {
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        int status = 0;
        waitpid(m_pid, &status, 0);
        Reap(status);
    }
}

ProcessResult RunProcess(const std::vector<std::string>& argv, std::chrono::milliseconds deadline,
                         BackgroundProcess::Output output) {
    ProcessResult result;
    BackgroundProcess process;
    if (!process.Start(argv, output)) {
        result.err = "cannot start " + (argv.empty() ? std::string("nothing") : argv[0]) +
                     " (not installed?)";
        return result;
    }
    result.started = true;
    process.CloseInput();
    result.exit_code = process.Wait(deadline);
    result.timed_out = process.TimedOut();
    result.out = process.Out();
    result.err = process.Err();
    return result;
}

} // namespace cmslab::testkit
