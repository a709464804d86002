// The network namespace a real host lives in while a scenario runs: `cmslab-<node>`,
// with one TAP device per interface of the node, the scenario's addresses, default
// gateway and static routes, and /etc/netns/cmslab-<node>/resolv.conf naming the node's
// DNS servers (which `ip netns exec` shows to the programs as /etc/resolv.conf).
//
// Nothing is added to the host's own namespace: the TAPs are created inside the lab's
// namespace, and its only way out is the simulated segment behind each TAP.
//
// A namespace records its owner in /run/cmslab/<namespace>.pid. One whose owner is gone
// (a run killed with SIGKILL, or crashed) is stale: RemoveStaleNamespaces deletes it,
// and its TAPs died with their owner's file descriptors.
#pragma once

#include "common/expected.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::emulate {

struct TapInterface {
    std::string ifname;  // the TAP's name inside the namespace (at most 15 characters)
    std::string mac;     // "02:00:00:08:01:01"
    std::string address; // "172.16.84.124/24"
};

struct RealHost {
    std::string node;
    std::vector<TapInterface> interfaces;
    std::optional<std::string> gateway;
    std::vector<std::pair<std::string, std::string>> routes; // destination prefix, via
    std::vector<std::string> dns_servers;
};

// "cmslab-" + the node's name.
std::string NamespaceName(const std::string& node);

// Deletes every cmslab-* namespace whose owning process is gone, with its
// /etc/netns/<name> folder and owner file. Returns one line per namespace removed.
std::vector<std::string> RemoveStaleNamespaces();

class LabNamespace {
  public:
    // Fails when the namespace exists and its owner is alive (another run attached the
    // same node), or when a step of the set-up fails; what was made is undone then.
    static Expected<std::unique_ptr<LabNamespace>> Create(const RealHost& host);
    // Deletes the namespace, its resolv.conf and owner file, and closes the TAP
    // descriptors not handed over.
    ~LabNamespace();
    LabNamespace(const LabNamespace&) = delete;
    LabNamespace& operator=(const LabNamespace&) = delete;

    const std::string& Name() const { return m_name; }
    // The TAP descriptors in the order of RealHost::interfaces; the caller owns them
    // after this (ns-3's FdNetDevice closes its descriptor when it stops).
    std::vector<int> TakeTapFds();

  private:
    explicit LabNamespace(std::string name) : m_name(std::move(name)) {}
    std::optional<std::string> SetUp(const RealHost& host);

    std::string m_name;
    std::vector<int> m_tap_fds;
};

} // namespace cmslab::emulate
