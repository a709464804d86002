#include "chromium/cdp_pipe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>

namespace cmslab::chromium {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Left(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

bool WriteAll(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

Expected<std::unique_ptr<CdpPipe>> CdpPipe::Start(const std::vector<std::string>& argv,
                                                  const std::vector<std::string>& env,
                                                  const std::string& log_path) {
    if (argv.empty())
        return Error{"no program to start"};
    int commands[2];
    int messages[2];
    if (pipe2(commands, O_CLOEXEC) != 0)
        return Error{std::string("pipe: ") + std::strerror(errno)};
    if (pipe2(messages, O_CLOEXEC) != 0) {
        close(commands[0]);
        close(commands[1]);
        return Error{std::string("pipe: ") + std::strerror(errno)};
    }
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // The environment is made before the fork: the child only calls what is safe there.
    std::vector<char*> environment;
    for (char** e = environ; *e != nullptr; ++e) {
        // A variable given in `env` replaces this process's (getenv takes the first).
        const std::string_view existing(*e);
        bool replaced = false;
        for (const std::string& mine : env)
            replaced = replaced || existing.substr(0, existing.find('=') + 1) ==
                                       std::string_view(mine).substr(0, mine.find('=') + 1);
        if (!replaced)
            environment.push_back(*e);
    }
    for (const std::string& e : env)
        environment.push_back(const_cast<char*>(e.c_str()));
    environment.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        for (int fd : {commands[0], commands[1], messages[0], messages[1], log})
            if (fd >= 0)
                close(fd);
        return Error{std::string("fork: ") + std::strerror(errno)};
    }
    if (pid == 0) {
        // The child: fds 3 (commands in) and 4 (messages out), without close-on-exec.
        // Only async-signal-safe calls from here on.
        const int in = fcntl(commands[0], F_DUPFD, 10);
        const int out = fcntl(messages[1], F_DUPFD, 10);
        if (in < 0 || out < 0 || dup2(in, 3) != 3 || dup2(out, 4) != 4)
            _exit(127);
        if (log >= 0) {
            dup2(log, 1);
            dup2(log, 2);
        }
        execvpe(args[0], args.data(), environment.data());
        _exit(127);
    }
    close(commands[0]);
    close(messages[1]);
    if (log >= 0)
        close(log);
    std::unique_ptr<CdpPipe> cdp(new CdpPipe());
    cdp->m_pid = pid;
    cdp->m_to_browser = commands[1];
    cdp->m_from_browser = messages[0];
    return cdp;
}

CdpPipe::~CdpPipe() {
    Stop();
}

void CdpPipe::Stop() {
    if (m_pid <= 0)
        return;
    if (!m_closed && m_to_browser >= 0) {
        const std::string close_browser =
            nlohmann::json{{"id", m_next_id++}, {"method", "Browser.close"}}.dump();
        WriteAll(m_to_browser, close_browser + std::string(1, '\0'));
    }
    if (m_to_browser >= 0)
        close(m_to_browser);
    m_to_browser = -1;
    // Up to 3 s to close by itself, then the signals, to this pid only.
    int status = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    pid_t reaped = 0;
    while ((reaped = waitpid(m_pid, &status, WNOHANG)) == 0 && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (reaped == 0) {
        kill(m_pid, SIGTERM);
        const auto hard = Clock::now() + std::chrono::seconds(3);
        while ((reaped = waitpid(m_pid, &status, WNOHANG)) == 0 && Clock::now() < hard)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (reaped == 0) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, &status, 0);
        }
    }
    m_pid = -1;
    if (m_from_browser >= 0)
        close(m_from_browser);
    m_from_browser = -1;
    m_closed = true;
}

bool CdpPipe::ReadSome(std::chrono::milliseconds timeout) {
    if (m_closed)
        return false;
    pollfd p{m_from_browser, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready <= 0)
        return false;
    char buffer[65536];
    const ssize_t n = read(m_from_browser, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
        return false;
    if (n <= 0) {
        m_closed = true;
        return false;
    }
    m_partial.append(buffer, static_cast<std::size_t>(n));
    std::size_t end;
    while ((end = m_partial.find('\0')) != std::string::npos) {
        auto message = nlohmann::json::parse(m_partial.substr(0, end), nullptr, false);
        m_partial.erase(0, end + 1);
        if (!message.is_object())
            continue;
        if (message.contains("method"))
            m_history.push_back(message);
        m_messages.push_back(std::move(message));
    }
    return true;
}

Expected<nlohmann::json> CdpPipe::Call(const std::string& method, const nlohmann::json& params,
                                       const std::string& session,
                                       std::chrono::milliseconds timeout) {
    if (m_closed)
        return Error{method + ": the browser has closed its pipe"};
    const int id = m_next_id++;
    nlohmann::json command = {{"id", id}, {"method", method}};
    command["params"] = params.is_null() ? nlohmann::json::object() : params;
    if (!session.empty())
        command["sessionId"] = session;
    if (!WriteAll(m_to_browser, command.dump() + std::string(1, '\0')))
        return Error{method + ": cannot write to the browser's pipe"};
    const auto deadline = Clock::now() + timeout;
    while (true) {
        for (auto it = m_messages.begin(); it != m_messages.end(); ++it) {
            if (!it->contains("id") || (*it)["id"] != id)
                continue;
            nlohmann::json answer = std::move(*it);
            m_messages.erase(it);
            if (answer.contains("error"))
                return Error{method + ": " +
                             answer["error"].value("message", std::string("error"))};
            return answer.value("result", nlohmann::json::object());
        }
        if (m_closed)
            return Error{method + ": the browser has closed its pipe"};
        if (Left(deadline).count() == 0)
            return Error{method + ": no answer in " + std::to_string(timeout.count()) + " ms"};
        ReadSome(Left(deadline));
    }
}

std::optional<nlohmann::json>
CdpPipe::WaitEvent(const std::function<bool(const nlohmann::json&)>& match,
                   std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::size_t seen = 0;
    while (true) {
        for (; seen < m_messages.size(); ++seen) {
            const nlohmann::json& m = m_messages[seen];
            if (!m.contains("method"))
                continue;
            if (match(m)) {
                nlohmann::json event = m;
                m_messages.erase(m_messages.begin() + static_cast<std::ptrdiff_t>(seen));
                return event;
            }
        }
        if (m_closed || Left(deadline).count() == 0)
            return std::nullopt;
        ReadSome(Left(deadline));
    }
}

} // namespace cmslab::chromium
