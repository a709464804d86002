#include "host_command.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cmslab::emulate {

std::string CommandText(const std::vector<std::string>& argv) {
    std::string text;
    for (const std::string& word : argv)
        text += (text.empty() ? "" : " ") + word;
    return text;
}

CommandResult RunHostCommand(const std::vector<std::string>& argv) {
    CommandResult result;
    if (argv.empty())
        return result;
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        result.output = std::string("pipe: ") + std::strerror(errno);
        return result;
    }
    std::vector<char*> args;
    for (const std::string& word : argv)
        args.push_back(const_cast<char*>(word.c_str()));
    args.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0) {
        result.output = std::string("fork: ") + std::strerror(errno);
        close(out[0]);
        close(out[1]);
        return result;
    }
    if (pid == 0) {
        // Only async-signal-safe calls between fork and exec. The emulation blocks its
        // stop signals (stop_signals.h); the program must not inherit that.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        const int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0)
            dup2(null_fd, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        execvp(args[0], args.data());
        const char msg[] = "cannot execute the program\n";
        (void)!write(2, msg, sizeof(msg) - 1);
        _exit(127);
    }
    close(out[1]);
    char buf[4096];
    for (;;) {
        const ssize_t n = read(out[0], buf, sizeof buf);
        if (n > 0)
            result.output.append(buf, static_cast<std::size_t>(n));
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return result;
    }
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    while (!result.output.empty() && result.output.back() == '\n')
        result.output.pop_back();
    return result;
}

} // namespace cmslab::emulate
