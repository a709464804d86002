#include "emulation_run.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>

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
    if (name.find('/') != std::string::npos)
        return name;
    return std::string(CMSLAB_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

nlohmann::json ScenarioJson(const std::string& name) {
    std::ifstream in(Scenario(name));
    return nlohmann::json::parse(in, nullptr, false);
}

bool WriteScenario(const nlohmann::json& scenario, const std::string& path) {
    std::ofstream out(path);
    out << scenario.dump(2) << "\n";
    return static_cast<bool>(out);
}

void AddHost(nlohmann::json& scenario, const std::string& name, const std::string& network,
             const std::string& address, const std::string& gateway) {
    scenario["nodes"].push_back(
        {{"name", name},
         {"role", "host"},
         {"description", "A real program's host, added by a test"},
         {"interfaces", nlohmann::json::array({{{"network", network}, {"address", address}}})},
         {"gateway", gateway}});
}

const nlohmann::json& NodeJson(const nlohmann::json& scenario, const std::string& name) {
    static const nlohmann::json kNone;
    if (!scenario.contains("nodes") || !scenario["nodes"].is_array())
        return kNone;
    for (const nlohmann::json& node : scenario["nodes"])
        if (node.value("name", "") == name)
            return node;
    return kNone;
}

std::string LocalUserPassword(const nlohmann::json& scenario, const std::string& role,
                              const std::string& user) {
    for (const nlohmann::json& node : scenario.value("nodes", nlohmann::json::array())) {
        if (node.value("role", "") != role || !node.contains("config"))
            continue;
        for (const nlohmann::json& u : node["config"].value("local_users", nlohmann::json::array()))
            if (u.value("name", "") == user)
                return u.value("password", "");
    }
    return "";
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
