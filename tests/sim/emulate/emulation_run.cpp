#include "emulation_run.h"

#include <signal.h>
#include <unistd.h>

namespace cmslab::emulatetest {

using namespace std::chrono_literals;
using testkit::BackgroundProcess;
using testkit::RunProcess;

namespace {

void DeleteNamespace(const std::string& name) {
    if (Namespaces().find(name) != std::string::npos)
        RunProcess({"ip", "netns", "delete", name}, 10s);
}

} // namespace

std::string Scenario(const std::string& name) {
    return std::string(CMSLAB_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

std::string Namespaces() {
    return RunProcess({"ip", "netns", "list"}, 10s).out;
}

std::string WhyNoEmulation() {
    if (geteuid() != 0)
        return "emulation needs root (network namespaces, TAP devices)";
    if (access("/dev/net/tun", R_OK | W_OK) != 0)
        return "/dev/net/tun is missing: no TAP devices on this machine";
    if (!testkit::ProgramExists("ip"))
        return "iproute2's `ip` is missing (tools/setup installs it)";
    return "";
}

void Signal(pid_t pid, int sig) {
    if (pid > 0)
        kill(pid, sig);
}

Emulation::Emulation(const std::string& scenario, const std::string& out_dir,
                     std::vector<std::string> attach, int duration_s,
                     std::vector<std::string> prefix)
    : m_attach(std::move(attach)) {
    std::vector<std::string> argv = std::move(prefix);
    argv.insert(argv.end(),
                {std::string(CMSLAB_BINARY_DIR) + "/cmslab", "emulate", Scenario(scenario), "--out",
                 out_dir, "--duration", std::to_string(duration_s)});
    for (const std::string& node : m_attach) {
        argv.push_back("--attach");
        argv.push_back(node);
    }
    m_started = m_process.Start(argv, BackgroundProcess::Output::Separate);
}

Emulation::~Emulation() {
    Stop();
    for (const std::string& node : m_attach)
        DeleteNamespace("cmslab-" + node);
}

bool Emulation::WaitReady() {
    return m_started && m_process.WaitFor("cmslab emulate: ready after", 60s);
}

bool Emulation::WaitNamespace(const std::string& node) {
    return m_started && m_process.WaitFor("ip netns exec cmslab-" + node + " ", 60s);
}

bool Emulation::WaitNotReady() {
    return m_started && m_process.WaitFor("cmslab emulate: not ready after", 60s);
}

int Emulation::Stop() {
    if (!m_started || m_stopped)
        return m_exit;
    m_stopped = true;
    Signal(m_process.Pid(), SIGTERM);
    m_exit = m_process.Wait(30s);
    return m_exit;
}

std::string Emulation::Output() const {
    return m_process.Out() + "\n--- stderr ---\n" + m_process.Err();
}

testkit::ProcessResult In(const std::string& node, std::vector<std::string> argv,
                          std::chrono::seconds deadline) {
    argv.insert(argv.begin(), {"ip", "netns", "exec", "cmslab-" + node});
    return RunProcess(argv, deadline);
}

} // namespace cmslab::emulatetest
