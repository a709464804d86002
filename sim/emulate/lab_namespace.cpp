#include "lab_namespace.h"

#include "host_command.h"
#include "tap_device.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>

namespace cmslab::emulate {

namespace fs = std::filesystem;

namespace {

const char* const kPrefix = "cmslab-";
const char* const kOwnerDir = "/run/cmslab";

fs::path OwnerFile(const std::string& netns) {
    return fs::path(kOwnerDir) / (netns + ".pid");
}

// The pid of the process that made `netns`, when it is still a cmslab process.
std::optional<pid_t> LiveOwner(const std::string& netns) {
    std::ifstream in(OwnerFile(netns));
    long pid = 0;
    if (!(in >> pid) || pid <= 0)
        return std::nullopt;
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        return std::nullopt;
    // A pid is reused after its process ends: the owner must still be a cmslab.
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    if (!(comm >> name) || name != "cmslab")
        return std::nullopt;
    return static_cast<pid_t>(pid);
}

bool NamespaceExists(const std::string& netns) {
    std::error_code ec;
    return fs::exists(fs::path("/run/netns") / netns, ec);
}

void Remove(const std::string& netns) {
    if (NamespaceExists(netns))
        RunHostCommand({"ip", "netns", "delete", netns});
    std::error_code ec;
    fs::remove_all(fs::path("/etc/netns") / netns, ec);
    fs::remove(OwnerFile(netns), ec);
}

} // namespace

std::string NamespaceName(const std::string& node) {
    return kPrefix + node;
}

std::vector<std::string> RemoveStaleNamespaces() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const fs::path& dir : {fs::path("/run/netns"), fs::path(kOwnerDir)}) {
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            std::string name = it->path().filename().string();
            if (dir == kOwnerDir && it->path().extension() == ".pid")
                name = it->path().stem().string();
            if (name.rfind(kPrefix, 0) == 0)
                names.push_back(name);
        }
        ec.clear();
    }
    std::vector<std::string> removed;
    for (const std::string& name : names) {
        if (LiveOwner(name) || std::find(removed.begin(), removed.end(), name) != removed.end())
            continue;
        Remove(name);
        removed.push_back(name);
    }
    std::vector<std::string> lines;
    for (const std::string& name : removed)
        lines.push_back("removed stale namespace " + name + " (its run is gone)");
    return lines;
}

Expected<std::unique_ptr<LabNamespace>> LabNamespace::Create(const RealHost& host) {
    const std::string name = NamespaceName(host.node);
    if (auto owner = LiveOwner(name))
        return Error{"namespace " + name + " belongs to a running cmslab (pid " +
                     std::to_string(*owner) + "): attach " + host.node + " once at a time"};
    Remove(name); // a leftover whose owner is gone
    std::unique_ptr<LabNamespace> ns(new LabNamespace(name));
    if (auto problem = ns->SetUp(host))
        return Error{*problem}; // the destructor removes what was made
    return ns;
}

std::optional<std::string> LabNamespace::SetUp(const RealHost& host) {
    auto run = [](const std::vector<std::string>& argv) -> std::optional<std::string> {
        const CommandResult r = RunHostCommand(argv);
        if (r.Ok())
            return std::nullopt;
        return CommandText(argv) + ": " +
               (r.output.empty() ? "exit " + std::to_string(r.exit_code) : r.output);
    };
    std::error_code ec;
    fs::create_directories(kOwnerDir, ec);
    {
        std::ofstream owner(OwnerFile(m_name));
        owner << getpid() << "\n";
        if (!owner)
            return "cannot write " + OwnerFile(m_name).string();
    }
    if (auto problem = run({"ip", "netns", "add", m_name}))
        return problem;

    // What the node's programs read as /etc/resolv.conf. Written even without DNS
    // servers, so that nothing falls back to the host's own resolvers.
    const fs::path etc = fs::path("/etc/netns") / m_name;
    fs::create_directories(etc, ec);
    {
        std::ofstream resolv(etc / "resolv.conf");
        resolv << "# " << host.node << "'s DNS servers in the scenario (cmslab emulate)\n";
        for (const std::string& server : host.dns_servers)
            resolv << "nameserver " << server << "\n";
        if (!resolv)
            return "cannot write " + (etc / "resolv.conf").string();
    }

    auto v6 = DisableIpv6In(m_name);
    if (!v6)
        return v6.Message();
    auto timestamps = DisableTcpTimestampsIn(m_name);
    if (!timestamps)
        return timestamps.Message();
    if (auto problem = run({"ip", "-n", m_name, "link", "set", "lo", "up"}))
        return problem;
    for (const TapInterface& itf : host.interfaces) {
        auto fd = OpenTapIn(m_name, itf.ifname);
        if (!fd)
            return fd.Message();
        m_tap_fds.push_back(*fd);
        // A long queue: the kernel drops a burst (a TLS flight, a page) past the default
        // 1000 frames while the simulator catches up.
        if (auto problem = run({"ip", "-n", m_name, "link", "set", itf.ifname, "address", itf.mac,
                                "txqueuelen", "10000", "up"}))
            return problem;
        if (auto problem = run({"ip", "-n", m_name, "addr", "add", itf.address, "dev", itf.ifname}))
            return problem;
    }
    for (const auto& [destination, via] : host.routes) {
        if (auto problem = run({"ip", "-n", m_name, "route", "add", destination, "via", via}))
            return problem;
    }
    if (host.gateway) {
        if (auto problem =
                run({"ip", "-n", m_name, "route", "add", "default", "via", *host.gateway}))
            return problem;
    }
    return std::nullopt;
}

std::vector<int> LabNamespace::TakeTapFds() {
    std::vector<int> fds;
    fds.swap(m_tap_fds);
    return fds;
}

LabNamespace::~LabNamespace() {
    for (int fd : m_tap_fds)
        close(fd);
    Remove(m_name);
}

} // namespace cmslab::emulate
