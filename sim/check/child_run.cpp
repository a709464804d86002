#include "check/child_run.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace cmslab::check {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void ChildMain(const std::function<int()>& body, int log_fd) {
    if (log_fd >= 0) {
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        ::close(log_fd);
    }
    int status = 3;
    try {
        status = body();
    } catch (const std::exception& e) {
        std::cerr << "uncaught exception: " << e.what() << "\n";
    } catch (...) {
        std::cerr << "uncaught exception\n";
    }
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    // _exit: the parent's atexit handlers and static destructors are not the child's to run.
    ::_exit(status & 0xff);
}

} // namespace

std::string ChildResult::Describe() const {
    switch (end) {
    case End::Exited:
        return "exit status " + std::to_string(exit_code);
    case End::Signalled: {
        const char* name = ::strsignal(signal);
        return "crashed (signal " + std::to_string(signal) +
               (name ? std::string(", ") + name : "") + ")";
    }
    case End::TimedOut:
        return "timed out after " + std::to_string(static_cast<long>(seconds + 0.5)) +
               " s (killed)";
    case End::NotStarted:
        return "not started: " + problem;
    }
    return "?";
}

ChildResult RunInChild(const std::function<int()>& body, const std::string& log_path,
                       std::chrono::milliseconds timeout) {
    ChildResult result;
    int log_fd = -1;
    if (!log_path.empty()) {
        log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (log_fd < 0) {
            result.problem = "cannot write " + log_path + ": " + std::strerror(errno);
            return result;
        }
    }
    // What the parent buffered must not be written twice, once by each process.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    const auto start = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        result.problem = std::string("fork: ") + std::strerror(errno);
        if (log_fd >= 0)
            ::close(log_fd);
        return result;
    }
    if (pid == 0)
        ChildMain(body, log_fd);
    if (log_fd >= 0)
        ::close(log_fd);

    const auto deadline = start + timeout;
    auto pause = std::chrono::milliseconds(1);
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            result.problem = std::string("waitpid: ") + std::strerror(errno);
            ::kill(pid, SIGKILL);
            return result;
        }
        if (Clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            result.end = ChildResult::End::TimedOut;
            result.seconds = SecondsSince(start);
            return result;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    result.seconds = SecondsSince(start);
    if (WIFEXITED(status)) {
        result.end = ChildResult::End::Exited;
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.end = ChildResult::End::Signalled;
        result.signal = WTERMSIG(status);
    }
    return result;
}

std::string TailOfFile(const std::string& path, std::size_t max_lines) {
    std::ifstream in(path);
    if (!in)
        return "";
    std::deque<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(std::move(line));
        if (lines.size() > max_lines)
            lines.pop_front();
    }
    std::string out;
    for (const auto& line : lines)
        out += line + "\n";
    return out;
}

} // namespace cmslab::check
