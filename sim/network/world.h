// The simulated network of one scenario: one ns-3 Node per scenario node, one CSMA
// segment per network, addresses, routes, the NAT/firewall boxes, one promiscuous pcap
// per segment and one log per box. Device applications get their Node from here.
//
// ns-3's simulator is a process-wide singleton, so at most one World exists at a time;
// destroying it destroys the simulator state.
#pragma once

#include "box_log.h"
#include "common/expected.h"
#include "common/rng.h"
#include "scenario/scenario.h"

// GetNode hands out a Ptr<Node>, AttachPort a Ptr<NetDevice>; their users need the
// complete types.
#include "ns3/net-device.h"
#include "ns3/node.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cmslab::devices {
class DnsResolver;
class NatFirewallEngine;
} // namespace cmslab::devices

namespace cmslab::network {

// 2017-05-20T10:00:00Z, the date of the reference document's logs: the wall-clock time
// at simulated time zero for a scenario that names none (start_time 0, as when made in
// code; the loader fills the schema's default).
constexpr std::int64_t kDefaultEpochUnixSeconds = 1495274400;

struct BuildOptions {
    // Where pcap/ and logs/ go. Empty: no files; logs are kept in memory only.
    std::string out_dir;
    std::optional<std::uint64_t> seed; // overrides the scenario's seed
    // The wall clock at simulated time zero; default: the scenario's start_time.
    std::optional<std::int64_t> epoch_unix_s;
    // Nodes a real host stands in for (`cmslab emulate --attach`): each gets no IP stack,
    // no routes and no box; each of its interfaces is a bare port on its segment that the
    // caller bridges to a TAP device (AttachPort).
    std::set<std::string> attached;
    // Events run on the wall clock (ns-3's RealtimeSimulatorImpl, best effort) instead of
    // as fast as possible, so that real hosts can talk to the simulated boxes.
    bool real_time = false;
};

class World {
  public:
    static Expected<std::unique_ptr<World>> Build(const scenario::Scenario& scenario,
                                                  const BuildOptions& options);
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    const scenario::Scenario& Scenario() const { return m_scenario; }
    std::uint64_t Seed() const { return m_seed; }
    std::int64_t EpochUnixSeconds() const { return m_epoch; }

    // The ns-3 node of a scenario node, or a null Ptr for an unknown name.
    ns3::Ptr<ns3::Node> GetNode(const std::string& name) const;
    // Whether a real host stands in for the node (BuildOptions::attached).
    bool Attached(const std::string& node) const { return m_attached.count(node) != 0; }
    // An attached node's port on `network`: a device on the segment with no address,
    // for a bridge to a real host. Null for a node that is not attached there.
    ns3::Ptr<ns3::NetDevice> AttachPort(const std::string& node, const std::string& network) const;
    // The MAC address the node's interface on `network` has (an attached node's: the one
    // its real host's TAP device should take, so the frames read as the model's would).
    std::string InterfaceMac(const std::string& node, const std::string& network) const;

    // The box's log (logs/<node>.log), or null for an unknown name.
    devices::BoxLog* Log(const std::string& node) const;
    // The Ipv4 interface index of a node's interface on `network`, or -1.
    std::int32_t InterfaceIndex(const std::string& node, const std::string& network) const;

    // The NAT/firewall boxes, by node name, for their status pages.
    std::vector<std::string> NatFirewallNodes() const;
    const devices::NatFirewallEngine* NatFirewall(const std::string& node) const;
    // Files written: pcap/<network>.pcap by network name (empty without out_dir).
    const std::map<std::string, std::string>& PcapFiles() const { return m_pcaps; }
    // Files written: logs/<node>.log by node name (empty without out_dir).
    const std::map<std::string, std::string>& LogFiles() const { return m_log_files; }

    // Status pages: status/<node>.json is {"node", "role"} merged with the object of every
    // provider registered for the node, asked when the page is written.
    using StatusProvider = std::function<nlohmann::json()>;
    void AddStatus(const std::string& node, StatusProvider provider);
    std::vector<std::string> StatusNodes() const;
    nlohmann::json Status(const std::string& node) const;

    // Which device model runs on each node ("nat_firewall", "dns_server", ...), as the
    // builder and the Start* calls installed them.
    void NoteDevice(const std::string& node, const std::string& model);
    const std::map<std::string, std::vector<std::string>>& Devices() const { return m_devices; }

    // An independent random stream for one user (a box, a protocol), from the run's seed.
    Rng ForkRng(const std::string& label) const { return Rng(m_seed).Fork(label); }

    // The node's system resolver: its scenario dns_servers on port 53, the stub
    // resolver's defaults, a random stream of its own. Keep it alive while lookups run.
    std::unique_ptr<devices::DnsResolver> MakeResolver(const std::string& node) const;

    // Runs a DNS server (UDP and TCP 53) on every node the scenario gives zones to;
    // each answers from its zones and logs its queries. Returns the nodes started, or
    // what is wrong with a zone.
    Expected<std::vector<std::string>> StartDnsServers();

    // Runs the simulation until `seconds` of simulated time from now, or until no event
    // is left.
    void RunFor(double seconds);
    double NowSeconds() const;

  private:
    struct Impl;
    explicit World(const scenario::Scenario& scenario);

    scenario::Scenario m_scenario;
    std::uint64_t m_seed = 1;
    std::int64_t m_epoch = kDefaultEpochUnixSeconds;
    std::map<std::string, std::string> m_pcaps;
    std::map<std::string, std::string> m_log_files;
    std::map<std::string, std::vector<StatusProvider>> m_status;
    std::map<std::string, std::vector<std::string>> m_devices;
    std::set<std::string> m_attached;
    std::unique_ptr<Impl> m_impl;
};

} // namespace cmslab::network
