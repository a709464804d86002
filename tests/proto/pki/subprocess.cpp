#include "subprocess.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cmslab::testutil {

namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

} // namespace

std::string FindProgram(const std::string& program) {
    if (program.find('/') != std::string::npos)
        return access(program.c_str(), X_OK) == 0 ? program : "";
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = dir + "/" + program;
        if (access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

ChildProcess::~ChildProcess() {
    Kill();
    if (m_out >= 0)
        close(m_out);
    CloseInput();
}

bool ChildProcess::Start(const std::vector<std::string>& argv) {
    const std::string program = FindProgram(argv.at(0));
    if (program.empty())
        return false;
    int out[2], in[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return false;
    if (pipe2(in, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        return false;
    }
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        execv(program.c_str(), args.data());
        _exit(127);
    }
    close(out[1]);
    close(in[0]);
    m_pid = pid;
    m_out = out[0];
    m_in = in[1];
    signal(SIGPIPE, SIG_IGN);
    return true;
}

void ChildProcess::CloseInput() {
    if (m_in >= 0) {
        close(m_in);
        m_in = -1;
    }
}

bool ChildProcess::ReadSome(std::chrono::milliseconds timeout) {
    if (m_out < 0)
        return false;
    pollfd p{m_out, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
        return true;
    char buf[4096];
    const ssize_t n = read(m_out, buf, sizeof(buf));
    if (n <= 0)
        return false;
    m_output.append(buf, static_cast<std::size_t>(n));
    return true;
}

bool ChildProcess::WaitFor(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (m_output.find(needle) == std::string::npos) {
        const int left = MillisLeft(deadline);
        if (left == 0)
            return false;
        if (!ReadSome(std::chrono::milliseconds(left)))
            return m_output.find(needle) != std::string::npos;
    }
    return true;
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
    if (m_pid < 0)
        return m_status >= 0 && WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -1;
    const auto deadline = Clock::now() + timeout;
    bool eof = false;
    while (true) {
        int status = 0;
        const pid_t r = waitpid(m_pid, &status, WNOHANG);
        if (r == m_pid) {
            m_pid = -1;
            m_status = status;
            // Collect what is still in the pipe.
            while (!eof) {
                const std::size_t before = m_output.size();
                eof = !ReadSome(std::chrono::milliseconds(50));
                if (m_output.size() == before)
                    break;
            }
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        const int left = MillisLeft(deadline);
        if (left == 0) {
            Kill();
            return -1;
        }
        if (!eof)
            eof = !ReadSome(std::chrono::milliseconds(std::min(left, 20)));
        else
            usleep(5000);
    }
}

void ChildProcess::Kill() {
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        int status = 0;
        waitpid(m_pid, &status, 0);
        m_status = status;
        m_pid = -1;
    }
}

CommandResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                         const std::string& input) {
    CommandResult result;
    ChildProcess child;
    if (!child.Start(argv)) {
        result.output = "cannot start " + argv.at(0) + " (not installed?)";
        return result;
    }
    if (!input.empty()) {
        const ssize_t n = write(child.InputFd(), input.data(), input.size());
        (void)n;
    }
    child.CloseInput();
    const auto start = Clock::now();
    result.exit_code = child.Wait(timeout);
    result.timed_out = result.exit_code == -1 && Clock::now() - start >= timeout;
    result.output = child.Output();
    return result;
}

TempDir::TempDir(const std::string& prefix) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(tmpl.data()) != nullptr)
        m_path = tmpl;
}

TempDir::~TempDir() {
    if (!m_path.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
    const std::string path = File(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace cmslab::testutil
