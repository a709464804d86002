// What the `cmslab emulate` tests share: the real cmslab started on a scenario with nodes
// attached, ended with SIGTERM (SIGKILL at the deadline) and its namespaces deleted when
// the test ends, whatever happened; programs run inside an attached node's namespace,
// bounded in time; and the reason a machine cannot run them (not root, no TAP devices).
#pragma once

#include "support/process.h"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace cmslab::emulatetest {

// "scenarios/<name>.json" of the source tree; a name with a slash is a path already (a
// scenario a test wrote).
std::string Scenario(const std::string& name);
// scenarios/<name>.json parsed (discarded when it does not parse).
nlohmann::json ScenarioJson(const std::string& name);
// Writes an edited scenario for an Emulation; false when the file cannot be written.
bool WriteScenario(const nlohmann::json& scenario, const std::string& path);
// Adds a node of role host with one interface (for a real program to stand on).
void AddHost(nlohmann::json& scenario, const std::string& name, const std::string& network,
             const std::string& address, const std::string& gateway);
// The first node named `name` (null when none).
const nlohmann::json& NodeJson(const nlohmann::json& scenario, const std::string& name);
// The password of `user` in the local_users of the node of role `role` ("" when none).
std::string LocalUserPassword(const nlohmann::json& scenario, const std::string& role,
                              const std::string& user);
// `ip netns list`.
std::string Namespaces();
// Why this machine cannot run an emulation ("" when it can).
std::string WhyNoEmulation();

// Signals one child by its pid. BackgroundProcess forgets the pid (-1) once it has reaped
// the child, and kill(-1, ...) would signal every process of the machine.
void Signal(pid_t pid, int sig);

class Emulation {
  public:
    // Ends by itself after `duration_s` at the latest. `prefix`: words before cmslab's
    // path (`chrt -f 10`). `scenario`: a name under scenarios/ or a path (see Scenario).
    Emulation(const std::string& scenario, const std::string& out_dir,
              std::vector<std::string> attach = {"guest-pc"}, int duration_s = 120,
              std::vector<std::string> prefix = {});
    ~Emulation();
    Emulation(const Emulation&) = delete;
    Emulation& operator=(const Emulation&) = delete;

    // True once the deployment says it is ready; the lines so far otherwise in Output().
    bool WaitReady();
    // True once the deployment says it is not ready, after its 30 s of waiting.
    bool WaitNotReady();
    // True once cmslab-<node> exists (its `ip netns exec` line is out).
    bool WaitNamespace(const std::string& node);
    // SIGTERM and the exit code (-1 when it had to be killed).
    int Stop();
    std::string Output() const;
    pid_t Pid() const { return m_process.Pid(); }
    testkit::BackgroundProcess& Process() { return m_process; }

  private:
    std::vector<std::string> m_attach;
    testkit::BackgroundProcess m_process;
    bool m_started = false;
    bool m_stopped = false;
    int m_exit = -1;
};

// Runs a program inside cmslab-<node>, bounded in time.
testkit::ProcessResult In(const std::string& node, std::vector<std::string> argv,
                          std::chrono::seconds deadline = std::chrono::seconds(30));

} // namespace cmslab::emulatetest
