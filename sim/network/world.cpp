#include "world.h"

#include "capture_file.h"
#include "capture_policy.h"
#include "nat_config.h"
#include "nat_firewall_routing.h"
#include "network_check.h"

#include "link/path_csma_net_device.h"
#include "net/tcp_connection_index.h"
#include "net/udp_port_index.h"
#include "outcome/earlier_outputs.h"

#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

namespace cmslab::network {

namespace {

bool g_world_alive = false;

Duration Nanos(double ms) {
    return Duration(static_cast<std::int64_t>(std::llround(ms * 1e6)));
}

// The scenario's one-way delay, to the nanosecond (round trips the boxes measure, the TURN
// probe's, come from it), its jitter and loss.
link::PathSettings PathOf(const scenario::Network& net) {
    link::PathSettings path;
    path.delay = Nanos(net.delay_ms);
    path.jitter = Nanos(net.jitter_ms);
    path.loss = net.loss_percent / 100;
    return path;
}

ns3::Ipv4Address ToNs3(const IpAddress& a) {
    return ns3::Ipv4Address(a.V4Value());
}

ns3::Ipv4Mask MaskOf(const scenario::Prefix& p) {
    return ns3::Ipv4Mask(p.length == 0 ? 0u : ~std::uint32_t{0} << (32 - p.length));
}

// Locally administered, derived from the node's and the interface's position, so the
// same scenario gives the same frames whatever else ran in the process before.
ns3::Mac48Address MacFor(std::size_t node_index, std::size_t interface_index) {
    std::uint8_t b[6] = {0x02,
                         0x00,
                         static_cast<std::uint8_t>((node_index + 1) >> 8),
                         static_cast<std::uint8_t>(node_index + 1),
                         static_cast<std::uint8_t>(interface_index + 1),
                         0x01};
    ns3::Mac48Address mac;
    mac.CopyFrom(b);
    return mac;
}

// Pcap timestamps carry the scenario's epoch, like the logs, so both read the same clock.
void WriteFrame(CaptureFile* file, CaptureMode mode, ns3::Time epoch,
                ns3::Ptr<const ns3::Packet> frame) {
    Bytes& bytes = file->Scratch();
    bytes.resize(frame->GetSize());
    frame->CopyData(bytes.data(), bytes.size());
    file->Write((ns3::Simulator::Now() + epoch).GetMicroSeconds(), ByteView(bytes),
                BytesToKeep(mode, ByteView(bytes)));
}

CaptureMode CaptureModeOf(const std::string& text) {
    if (text == "off")
        return CaptureMode::Off;
    if (text == "media_headers")
        return CaptureMode::MediaHeaders;
    return CaptureMode::Full;
}

bool Forwards(const scenario::Node& node, const std::set<std::string>& nat_nodes) {
    return node.role == "router" || node.role == "nat_firewall" || nat_nodes.count(node.name);
}

} // namespace

struct World::Impl {
    std::map<std::string, ns3::Ptr<ns3::Node>> nodes;
    std::map<std::string, std::unique_ptr<devices::BoxLog>> logs;
    std::map<std::pair<std::string, std::string>, std::int32_t> interfaces;
    std::map<std::pair<std::string, std::string>, ns3::Ptr<ns3::NetDevice>> attach_ports;
    std::map<std::pair<std::string, std::string>, ns3::Mac48Address> macs;
    std::map<std::string, std::shared_ptr<devices::NatFirewallEngine>> nats;
    std::vector<std::unique_ptr<CaptureFile>> pcap_files;
};

World::World(const scenario::Scenario& scenario)
    : m_scenario(scenario), m_impl(std::make_unique<Impl>()) {}

World::~World() {
    ns3::Simulator::Destroy();
    m_impl.reset();
    g_world_alive = false;
}

Expected<std::unique_ptr<World>> World::Build(const scenario::Scenario& s,
                                              const BuildOptions& options) {
    if (g_world_alive)
        return Error{"another simulated network is still alive in this process"};
    if (auto problem = CheckNetwork(s))
        return Error{*problem};

    namespace fs = std::filesystem;
    if (!options.out_dir.empty()) {
        auto cleared = outcome::RemoveEarlierRunOutputs(options.out_dir);
        if (!cleared)
            return cleared.Err();
        std::error_code ec;
        fs::create_directories(fs::path(options.out_dir) / "pcap", ec);
        if (!ec)
            fs::create_directories(fs::path(options.out_dir) / "logs", ec);
        if (ec)
            return Error{"cannot create " + options.out_dir + ": " + ec.message()};
    }

    for (const std::string& name : options.attached) {
        const scenario::Node* found = nullptr;
        for (const scenario::Node& node : s.nodes) {
            if (node.name == name)
                found = &node;
        }
        if (!found)
            return Error{"attach: the scenario has no node '" + name + "'"};
        std::set<std::string> nat_nodes;
        for (const scenario::NatFirewall& nat : s.nat_firewalls)
            nat_nodes.insert(nat.node);
        if (Forwards(*found, nat_nodes))
            return Error{"attach: '" + name + "' is a " + found->role +
                         " (it forwards between networks): only an end host can be attached"};
    }

    // Before the first ns-3 object: the simulator implementation is chosen when the
    // simulator is first touched, which creating a node does.
    if (options.real_time)
        ns3::GlobalValue::Bind("SimulatorImplementationType",
                               ns3::StringValue("ns3::RealtimeSimulatorImpl"));
    // The event queue: a binary heap, about 1.6 times the default ordered map's speed
    // here (platform notes), and the same order of events, since every ns-3 scheduler
    // orders by time and then by the event's number.
    ns3::GlobalValue::Bind("SchedulerType", ns3::StringValue("ns3::PriorityQueueScheduler"));

    std::unique_ptr<World> world(new World(s));
    g_world_alive = true;
    world->m_attached = options.attached;
    world->m_seed = options.seed.value_or(s.seed);
    world->m_epoch =
        options.epoch_unix_s.value_or(s.start_time != 0 ? s.start_time : kDefaultEpochUnixSeconds);
    Impl& impl = *world->m_impl;

    // These must hold before the first node exists: checksums are decided per header at
    // creation, and the RNG streams are handed out as objects are built.
    ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));
    ns3::Config::SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(1448));
    ns3::RngSeedManager::SetSeed(1);
    ns3::RngSeedManager::SetRun(world->m_seed);
    if (options.real_time) {
        // A real host's first packets must not wait for a random ARP delay (0-10 ms by
        // default) on top of the wall clock.
        ns3::Config::SetDefault("ns3::ArpL3Protocol::RequestJitter",
                                ns3::StringValue("ns3::ConstantRandomVariable[Constant=0.0]"));
    }

    std::set<std::string> nat_nodes;
    std::map<std::string, const scenario::NatFirewall*> nat_by_node;
    for (const scenario::NatFirewall& nat : s.nat_firewalls) {
        nat_nodes.insert(nat.node);
        nat_by_node[nat.node] = &nat;
    }

    // Logs first: the NAT box writes to its own.
    const std::int64_t epoch = world->m_epoch;
    auto clock = [] { return Instant(ns3::Simulator::Now().GetNanoSeconds()); };
    for (const scenario::Node& node : s.nodes) {
        std::string path;
        if (!options.out_dir.empty())
            path =
                (fs::path(options.out_dir) / "logs" / (FileNameFor(node.name) + ".log")).string();
        auto log = std::make_unique<devices::BoxLog>(node.name, epoch, clock, path);
        if (log->Failed())
            return Error{"cannot write " + path};
        if (!path.empty())
            world->m_log_files[node.name] = path;
        impl.logs[node.name] = std::move(log);
    }

    ns3::InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    ns3::Ipv4StaticRoutingHelper static_helper;
    stack.SetRoutingHelper(static_helper);

    std::map<std::string, ns3::Ptr<devices::NatFirewallRouting>> nat_routing;
    for (const scenario::Node& node : s.nodes) {
        ns3::Ptr<ns3::Node> n = ns3::CreateObject<ns3::Node>();
        impl.nodes[node.name] = n;
        // An attached node only bridges its segments to the real host: an IP stack of
        // its own would answer for the host's addresses.
        if (options.attached.count(node.name))
            continue;
        stack.Install(n);
        devices::net::InstallUdpPortIndex(n);
        devices::net::InstallTcpConnectionIndex(n);
        if (nat_nodes.count(node.name)) {
            // Replaced before any interface exists, so the inner static routing hears of
            // every interface and address.
            auto routing = ns3::CreateObject<devices::NatFirewallRouting>();
            n->GetObject<ns3::Ipv4>()->SetRoutingProtocol(routing);
            nat_routing[node.name] = routing;
        }
    }

    std::map<std::string, ns3::Ptr<ns3::CsmaChannel>> channels;
    std::map<std::string, ns3::Ptr<ns3::NetDevice>> capture_device;
    ns3::CsmaHelper csma;
    for (const scenario::Network& net : s.networks) {
        ns3::ObjectFactory factory;
        factory.SetTypeId("ns3::CsmaChannel");
        factory.Set("DataRate", ns3::DataRateValue(ns3::DataRate(static_cast<std::uint64_t>(
                                    std::llround(net.bandwidth_mbps * 1e6)))));
        // No propagation delay on the channel itself: CsmaChannel would keep the medium
        // busy for all of it. The scenario's delay is each device's path (below).
        factory.Set("Delay", ns3::TimeValue(ns3::Seconds(0)));
        channels[net.name] = factory.Create<ns3::CsmaChannel>();
    }

    for (std::size_t ni = 0; ni < s.nodes.size(); ++ni) {
        const scenario::Node& node = s.nodes[ni];
        ns3::Ptr<ns3::Node> n = impl.nodes[node.name];
        if (options.attached.count(node.name)) {
            for (std::size_t ii = 0; ii < node.interfaces.size(); ++ii) {
                const scenario::Interface& itf = node.interfaces[ii];
                ns3::Ptr<link::PathCsmaNetDevice> port =
                    link::InstallPathDevice(n, channels[itf.network]);
                // The real host's frames take the segment's path like the models' do.
                if (const scenario::Network* net = s.FindNetwork(itf.network))
                    port->SetPath(PathOf(*net),
                                  world->ForkRng("path:" + itf.network + ":" + node.name));
                // The port forwards the real host's frames with their own source address;
                // its own (last byte 0x02) only shows if ns-3 ever sends as the port.
                ns3::Mac48Address port_mac = MacFor(ni, ii);
                std::uint8_t b[6];
                port_mac.CopyTo(b);
                b[5] = 0x02;
                port_mac.CopyFrom(b);
                port->SetAddress(port_mac);
                if (!capture_device.count(itf.network))
                    capture_device[itf.network] = port;
                impl.attach_ports[{node.name, itf.network}] = port;
                impl.macs[{node.name, itf.network}] = MacFor(ni, ii);
            }
            continue;
        }
        ns3::Ptr<ns3::Ipv4> ipv4 = n->GetObject<ns3::Ipv4>();
        const bool forwards = Forwards(node, nat_nodes);
        const scenario::NatFirewall* nat =
            nat_by_node.count(node.name) ? nat_by_node[node.name] : nullptr;
        for (std::size_t ii = 0; ii < node.interfaces.size(); ++ii) {
            const scenario::Interface& itf = node.interfaces[ii];
            const scenario::Network* net = nullptr;
            for (const scenario::Network& candidate : s.networks) {
                if (candidate.name == itf.network)
                    net = &candidate;
            }
            ns3::Ptr<link::PathCsmaNetDevice> dev =
                link::InstallPathDevice(n, channels[itf.network]);
            dev->SetAddress(MacFor(ni, ii));
            // The segment's path, each device its own seeded draws.
            dev->SetPath(PathOf(*net), world->ForkRng("path:" + itf.network + ":" + node.name));
            impl.macs[{node.name, itf.network}] = MacFor(ni, ii);
            if (!capture_device.count(itf.network))
                capture_device[itf.network] = dev;
            const std::int32_t index = static_cast<std::int32_t>(ipv4->AddInterface(dev));
            const ns3::Ipv4Mask mask = MaskOf(net->prefix);
            ipv4->AddAddress(index, ns3::Ipv4InterfaceAddress(ToNs3(itf.address), mask));
            if (nat && itf.network == nat->outside_network) {
                // The public addresses: ARP answers for them on the outside segment.
                for (const scenario::NatMapping& m : nat->mappings) {
                    ns3::Ipv4InterfaceAddress extra(ToNs3(m.outside), mask);
                    extra.SetSecondary();
                    ipv4->AddAddress(index, extra);
                }
            }
            ipv4->SetForwarding(index, forwards);
            ipv4->SetUp(index);
            impl.interfaces[{node.name, itf.network}] = index;
        }

        ns3::Ptr<ns3::Ipv4StaticRouting> routes = nat_routing.count(node.name)
                                                      ? nat_routing[node.name]->StaticRouting()
                                                      : static_helper.GetStaticRouting(ipv4);
        for (const scenario::Route& r : node.routes) {
            const int i = InterfaceOnLinkWith(s, node, r.via);
            routes->AddNetworkRouteTo(ToNs3(r.destination.address), MaskOf(r.destination),
                                      ToNs3(r.via),
                                      impl.interfaces[{node.name, node.interfaces[i].network}]);
        }
        if (node.gateway) {
            const int i = InterfaceOnLinkWith(s, node, *node.gateway);
            routes->SetDefaultRoute(ToNs3(*node.gateway),
                                    impl.interfaces[{node.name, node.interfaces[i].network}]);
        }
    }

    // Fixed stream numbers (ARP request jitter, CSMA back-off) make the run independent of
    // what else this process simulated before: ns-3 otherwise hands streams out from a
    // process-wide counter.
    ns3::NodeContainer all_nodes;
    ns3::NetDeviceContainer all_devices;
    for (const scenario::Node& node : s.nodes) {
        if (!options.attached.count(node.name))
            all_nodes.Add(impl.nodes[node.name]);
        for (std::uint32_t d = 0; d < impl.nodes[node.name]->GetNDevices(); ++d)
            all_devices.Add(impl.nodes[node.name]->GetDevice(d));
    }
    std::int64_t stream = 0;
    stream += stack.AssignStreams(all_nodes, stream);
    csma.AssignStreams(all_devices, stream);

    for (const auto& [name, routing] : nat_routing) {
        const scenario::NatFirewall& nat = *nat_by_node[name];
        auto engine = std::make_shared<devices::NatFirewallEngine>(ToDeviceConfig(nat));
        routing->Configure(engine,
                           static_cast<std::uint32_t>(impl.interfaces[{name, nat.outside_network}]),
                           impl.logs[name].get());
        impl.nats[name] = engine;
        world->AddStatus(name, [engine] { return engine->Status(); });
        world->NoteDevice(name, "nat_firewall");
    }

    if (!options.out_dir.empty()) {
        const ns3::Time epoch_time = ns3::NanoSeconds(epoch * 1000000000LL);
        for (const scenario::Network& net : s.networks) {
            auto it = capture_device.find(net.name);
            if (it == capture_device.end())
                continue; // a network nobody is attached to carries nothing
            const CaptureMode mode = CaptureModeOf(net.capture);
            if (mode == CaptureMode::Off)
                continue;
            const std::string path =
                (fs::path(options.out_dir) / "pcap" / (FileNameFor(net.name) + ".pcap")).string();
            // In real time a person may watch a capture grow: frames reach the file in
            // small writes there, in large ones in a simulation.
            auto file =
                CaptureFile::Create(path, options.real_time ? CaptureFile::Buffering::Small
                                                            : CaptureFile::Buffering::Large);
            if (!file)
                return Error{file.Message()};
            it->second->TraceConnectWithoutContext(
                "PromiscSniffer",
                ns3::MakeBoundCallback(&WriteFrame, file->get(), mode, epoch_time));
            impl.pcap_files.push_back(std::move(*file));
            world->m_pcaps[net.name] = path;
        }
    }
    return world;
}

ns3::Ptr<ns3::Node> World::GetNode(const std::string& name) const {
    auto it = m_impl->nodes.find(name);
    return it == m_impl->nodes.end() ? nullptr : it->second;
}

ns3::Ptr<ns3::NetDevice> World::AttachPort(const std::string& node,
                                           const std::string& network) const {
    auto it = m_impl->attach_ports.find({node, network});
    return it == m_impl->attach_ports.end() ? nullptr : it->second;
}

std::string World::InterfaceMac(const std::string& node, const std::string& network) const {
    auto it = m_impl->macs.find({node, network});
    if (it == m_impl->macs.end())
        return "";
    std::ostringstream text;
    text << it->second;
    return text.str();
}

devices::BoxLog* World::Log(const std::string& node) const {
    auto it = m_impl->logs.find(node);
    return it == m_impl->logs.end() ? nullptr : it->second.get();
}

std::int32_t World::InterfaceIndex(const std::string& node, const std::string& network) const {
    auto it = m_impl->interfaces.find({node, network});
    return it == m_impl->interfaces.end() ? -1 : it->second;
}

std::vector<std::string> World::NatFirewallNodes() const {
    std::vector<std::string> names;
    for (const auto& [name, engine] : m_impl->nats)
        names.push_back(name);
    return names;
}

const devices::NatFirewallEngine* World::NatFirewall(const std::string& node) const {
    auto it = m_impl->nats.find(node);
    return it == m_impl->nats.end() ? nullptr : it->second.get();
}

void World::AddStatus(const std::string& node, StatusProvider provider) {
    m_status[node].push_back(std::move(provider));
}

void World::NoteDevice(const std::string& node, const std::string& model) {
    m_devices[node].push_back(model);
}

std::vector<std::string> World::StatusNodes() const {
    std::vector<std::string> nodes;
    for (const auto& [node, providers] : m_status)
        nodes.push_back(node);
    return nodes;
}

nlohmann::json World::Status(const std::string& node) const {
    nlohmann::json page = nlohmann::json::object();
    page["node"] = node;
    for (const scenario::Node& n : m_scenario.nodes) {
        if (n.name == node)
            page["role"] = n.role;
    }
    auto it = m_status.find(node);
    if (it == m_status.end())
        return page;
    for (const StatusProvider& provider : it->second) {
        const nlohmann::json part = provider();
        if (part.is_object())
            page.update(part);
    }
    return page;
}

void World::RunFor(double seconds) {
    ns3::Simulator::Stop(ns3::Seconds(seconds));
    ns3::Simulator::Run();
}

double World::NowSeconds() const {
    return ns3::Simulator::Now().GetSeconds();
}

} // namespace cmslab::network
