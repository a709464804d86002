// The Chrome DevTools protocol over `--remote-debugging-pipe`: the browser reads commands
// on its fd 3 and writes answers and events on its fd 4, each one JSON message ended by
// a NUL byte. A pipe, unlike the DevTools WebSocket, needs no network: it works the same
// when the browser lives in another network namespace.
#pragma once

#include "common/expected.h"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::chromium {

class CdpPipe {
  public:
    // Starts `argv` (argv[0] searched in PATH) with `env` added to this process's
    // environment, its fds 3 and 4 on the pipe and its stdout and stderr into `log_path`.
    static Expected<std::unique_ptr<CdpPipe>> Start(const std::vector<std::string>& argv,
                                                    const std::vector<std::string>& env,
                                                    const std::string& log_path);
    // Asks the browser to close, then ends the process by its pid (SIGTERM, SIGKILL) if
    // it has not, and reaps it.
    ~CdpPipe();
    CdpPipe(const CdpPipe&) = delete;
    CdpPipe& operator=(const CdpPipe&) = delete;

    // Sends a command (to a page's session when `session` is set) and waits for its
    // answer; events read meanwhile are kept for WaitEvent. An error answer, a closed
    // pipe or the timeout is an Error.
    Expected<nlohmann::json> Call(const std::string& method, const nlohmann::json& params = {},
                                  const std::string& session = "",
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The first event (kept or new) that `match` accepts, removed from the kept ones;
    // nothing when the time is up or the pipe closed.
    std::optional<nlohmann::json> WaitEvent(const std::function<bool(const nlohmann::json&)>& match,
                                            std::chrono::milliseconds timeout);
    // Every event read so far, oldest first (a log of what the browser reported).
    const std::vector<nlohmann::json>& History() const { return m_history; }

    pid_t Pid() const { return m_pid; }
    bool Closed() const { return m_closed; }

  private:
    CdpPipe() = default;
    // Reads what is there within `timeout` and splits it into messages; false when
    // nothing came (time up or pipe closed).
    bool ReadSome(std::chrono::milliseconds timeout);
    void Stop();

    pid_t m_pid = -1;
    int m_to_browser = -1;
    int m_from_browser = -1;
    bool m_closed = false;
    int m_next_id = 1;
    std::string m_partial;
    std::deque<nlohmann::json> m_messages; // read, not yet taken
    std::vector<nlohmann::json> m_history;
};

} // namespace cmslab::chromium
