#include "emulate_scenario.h"

#include "key_log_file.h"
#include "lab_namespace.h"
#include "readiness.h"
#include "results_writer.h"
#include "run/status_moments.h"
#include "scenario_pki.h"
#include "stop_signals.h"
#include "tap_bridge.h"
#include "topology/dot_export.h"
#include "topology/topology.h"
#include "trust_files.h"
#include "wire_browser.h"
#include "wire_cms.h"
#include "wire_expressway.h"
#include "world.h"

#include "cms/cms_app.h"
#include "expressway/expressway_c_app.h"
#include "expressway/expressway_e_app.h"
#include "run/run_scenario.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

namespace cmslab::emulate {

namespace {

// TAP names inside the namespace: the scenario's interface name where Linux accepts it,
// else eth<i>.
std::string TapName(const scenario::Interface& itf, std::size_t index) {
    const std::string& name = itf.name;
    bool usable = !name.empty() && name.size() <= 15;
    for (char c : name)
        usable = usable && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    return usable ? name : "eth" + std::to_string(index);
}

Expected<RealHost> DescribeHost(const network::World& world, const std::string& node_name) {
    const scenario::Scenario& s = world.Scenario();
    for (const scenario::Node& node : s.nodes) {
        if (node.name != node_name)
            continue;
        RealHost host;
        host.node = node.name;
        for (std::size_t i = 0; i < node.interfaces.size(); ++i) {
            const scenario::Interface& itf = node.interfaces[i];
            int length = -1;
            for (const scenario::Network& net : s.networks) {
                if (net.name == itf.network)
                    length = net.prefix.length;
            }
            TapInterface tap;
            tap.ifname = TapName(itf, i);
            tap.mac = world.InterfaceMac(node.name, itf.network);
            tap.address = itf.address.ToString() + "/" + std::to_string(length);
            host.interfaces.push_back(tap);
        }
        if (node.gateway)
            host.gateway = node.gateway->ToString();
        for (const scenario::Route& r : node.routes)
            host.routes.emplace_back(r.destination.ToString(), r.via.ToString());
        for (const IpAddress& dns : node.dns_servers)
            host.dns_servers.push_back(dns.ToString());
        return host;
    }
    return Error{"attach: the scenario has no node '" + node_name + "'"};
}

std::optional<std::string> CheckPrivileges() {
    if (geteuid() != 0)
        return std::string("emulation needs root (network namespaces and TAP devices); run it "
                           "with sudo");
    if (access("/dev/net/tun", R_OK | W_OK) != 0)
        return std::string("/dev/net/tun is missing or not usable: this machine (or container) "
                           "offers no TAP devices");
    return std::nullopt;
}

std::string Join(const std::vector<std::string>& parts) {
    std::string text;
    for (const std::string& p : parts)
        text += (text.empty() ? "" : ", ") + p;
    return text;
}

// Prints the ready line once the deployment is ready, or once the wait is over.
class ReadyAnnouncer {
  public:
    ReadyAnnouncer(const network::World& world, std::ostream& out, double timeout_s)
        : m_world(world), m_out(out), m_timeout_s(timeout_s) {}

    void Look() {
        const double now = m_world.NowSeconds();
        if (m_said || now < m_next_look_s)
            return;
        m_next_look_s = now + 0.1; // status pages are not free: ten looks a second
        const Readiness r = JudgeReadiness(m_world);
        std::ostringstream line;
        line << std::fixed << std::setprecision(1);
        if (r.Ready()) {
            line << "cmslab emulate: ready after " << now << " s: " << Join(r.ready);
        } else if (now >= m_timeout_s) {
            line << "cmslab emulate: not ready after " << now << " s: waiting for "
                 << Join(r.waiting);
            if (!r.ready.empty())
                line << " (" << Join(r.ready) << ")";
        } else {
            return;
        }
        m_out << line.str() << std::endl;
        m_said = true;
        m_ready = r.Ready();
        m_at_s = now;
    }

    nlohmann::json Json() const {
        if (!m_said)
            return {{"ready", false}};
        return {{"ready", m_ready}, {"at_s", m_at_s}};
    }

  private:
    const network::World& m_world;
    std::ostream& m_out;
    double m_timeout_s;
    double m_next_look_s = 0;
    bool m_said = false;
    bool m_ready = false;
    double m_at_s = 0;
};

// The real guest's thread: started once, joined on every way out (before the namespace
// it runs in is removed: it is declared after them).
class RealGuestRun {
  public:
    RealGuestRun(EmulateOptions::RealGuest guest, std::string netns)
        : m_guest(std::move(guest)), m_netns(std::move(netns)),
          m_began(std::chrono::steady_clock::now()) {}
    ~RealGuestRun() {
        if (m_thread.joinable())
            m_thread.join();
    }
    RealGuestRun(const RealGuestRun&) = delete;
    RealGuestRun& operator=(const RealGuestRun&) = delete;

    void Start() {
        if (m_thread.joinable())
            return;
        m_thread = std::thread([this] {
            const auto began = m_began;
            auto elapsed = [began] {
                return std::chrono::duration<double>(std::chrono::steady_clock::now() - began)
                    .count();
            };
            m_result = m_guest(m_netns, elapsed);
            m_done = true;
        });
    }
    bool Started() const { return m_thread.joinable(); }
    bool Done() const { return m_done; }
    Expected<outcome::Outcome> Result() {
        if (m_thread.joinable())
            m_thread.join();
        if (!m_result)
            return Error{"the real guest did not run (the deployment stopped first)"};
        return *m_result;
    }

  private:
    EmulateOptions::RealGuest m_guest;
    std::string m_netns;
    std::chrono::steady_clock::time_point m_began;
    std::thread m_thread;
    std::atomic<bool> m_done{false};
    std::optional<Expected<outcome::Outcome>> m_result;
};

Expected<EmulateReport> Emulate(const scenario::Scenario& s, const EmulateOptions& options,
                                std::ostream& out) {
    // First, before any thread exists: the threads started later inherit the blocked
    // signals, so a Ctrl-C cannot end the process before its namespaces are gone.
    StopSignals signals;
    if (options.attach.empty())
        return Error{"nothing to attach: name a node with --attach"};
    if (auto problem = CheckPrivileges())
        return Error{*problem};
    for (const std::string& line : RemoveStaleNamespaces())
        std::cerr << "cmslab emulate: " << line << "\n";

    // Declared before the world so that they outlive it: the TAP readers stop with the
    // world, then the namespaces go.
    std::vector<std::unique_ptr<LabNamespace>> namespaces;

    network::BuildOptions build;
    build.out_dir = options.out_dir;
    build.seed = options.seed;
    build.real_time = true;
    build.attached.insert(options.attach.begin(), options.attach.end());
    auto built = network::World::Build(s, build);
    if (!built)
        return built.Err();
    network::World& world = **built;

    auto dns = world.StartDnsServers();
    if (!dns)
        return dns.Err();
    auto pki = network::ScenarioPki::Issue(s.pki, world.Seed());
    if (!pki)
        return pki.Err();
    auto trust = WriteTrustFiles(s.pki, *pki, options.out_dir);
    if (!trust)
        return trust.Err();
    devices::net::KeyLogFile keys(options.out_dir + "/sslkeys.log");
    auto expressways = network::StartExpressways(world, *pki, keys.Sink());
    if (!expressways)
        return expressways.Err();
    auto cms = network::StartCms(world, *pki, keys.Sink());
    if (!cms)
        return cms.Err();
    // The modelled guest joins as in a run, unless a real host stands in for its PC.
    // (The administrator's recorded API session is left out: it is timed from the end of
    // a run, which an emulation does not know in advance.)
    std::unique_ptr<network::GuestBrowser> guest;
    std::unique_ptr<run::StatusMoments> moments;
    if (!world.Attached(s.guest_config.node)) {
        auto started = network::StartBrowser(world, *pki, keys.Sink());
        if (!started)
            return started.Err();
        guest = std::move(*started);
        moments = std::make_unique<run::StatusMoments>(world, *guest, options.out_dir);
        moments->Start();
    }

    for (const std::string& node : options.attach) {
        auto host = DescribeHost(world, node);
        if (!host)
            return host.Err();
        auto ns = LabNamespace::Create(*host);
        if (!ns)
            return Error{"attach " + node + ": " + ns.Message()};
        const std::vector<int> fds = (*ns)->TakeTapFds();
        namespaces.push_back(std::move(*ns));
        const scenario::Node* spec = nullptr;
        for (const scenario::Node& n : s.nodes) {
            if (n.name == node)
                spec = &n;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (auto problem = BridgeTap(world, node, spec->interfaces[i].network, fds[i])) {
                for (std::size_t j = i; j < fds.size(); ++j)
                    close(fds[j]);
                return Error{"attach " + node + ": " + *problem};
            }
        }
        world.NoteDevice(node, "real host (attached)");
        out << node << ": ip netns exec " << namespaces.back()->Name() << " PROGRAM  (";
        for (std::size_t i = 0; i < host->interfaces.size(); ++i)
            out << (i ? ", " : "") << host->interfaces[i].ifname << " "
                << host->interfaces[i].address << " on " << spec->interfaces[i].network;
        out << ")" << std::endl;
    }
    out << "cmslab emulate: trust files in " << options.out_dir << "/ca/ (" << Join(*trust) << ")"
        << std::endl;

    std::unique_ptr<RealGuestRun> real_guest;
    if (options.real_guest) {
        if (!world.Attached(s.guest_config.node))
            return Error{"a real guest needs the guest's node " + s.guest_config.node +
                         " attached"};
        real_guest =
            std::make_unique<RealGuestRun>(options.real_guest, NamespaceName(s.guest_config.node));
    }

    ReadyAnnouncer announcer(world, out, options.ready_timeout_s);
    RealtimeWatch::Options watch_options;
    watch_options.should_stop = [&signals, &real_guest] {
        return signals.Requested() || (real_guest && real_guest->Done());
    };
    watch_options.on_tick = [&announcer, &real_guest, &world] {
        announcer.Look();
        // When the modelled browser would start.
        if (real_guest && !real_guest->Started() && world.NowSeconds() >= 1.0)
            real_guest->Start();
    };
    RealtimeWatch watch(watch_options);
    watch.Start();

    EmulateReport report;
    if (!signals.Requested()) {
        // Without a duration, a stop event far beyond any session keeps ns-3 from ending
        // on its own; the signal stops it earlier.
        world.RunFor(options.duration_s.value_or(100.0 * 365 * 24 * 3600));
    }
    report.ended_by = signals.Requested()                ? signals.Which()
                      : real_guest && real_guest->Done() ? "guest finished"
                                                         : "duration";
    report.lag = watch.Report();

    outcome::Outcome outcome;
    if (guest) {
        guest->Finish();
        outcome = guest->Result();
    }
    if (real_guest) {
        auto lived = real_guest->Result();
        if (!lived)
            return lived.Err();
        outcome = *lived;
    }
    keys.Flush();
    if (keys.Failed())
        return Error{"cannot write " + keys.Path()};
    auto results = network::WriteResults(world, options.out_dir);
    if (!results)
        return results.Err();
    if (moments) {
        auto taken = moments->Taken();
        if (!taken)
            return taken.Err();
        (*results)["status_moments"] = *taken;
    }
    nlohmann::json attached = nlohmann::json::array();
    for (const auto& ns : namespaces)
        attached.push_back(ns->Name());
    (*results)["emulation"] = {
        {"attached", options.attach},         {"namespaces", attached},
        {"ended_by", report.ended_by},        {"deployment", announcer.Json()},
        {"real_time_lag", report.lag.Json()}, {"trust_files", *trust}};
    auto summary_path = network::WriteOutcomeSummary(world, options.out_dir, outcome, *results);
    if (!summary_path)
        return summary_path.Err();
    std::ofstream dot(options.out_dir + "/topology.dot");
    dot << topology::ToDot(topology::Topology(s));
    if (!dot)
        return Error{"cannot write " + options.out_dir + "/topology.dot"};

    report.out_dir = options.out_dir;
    report.guest_modelled = guest != nullptr || real_guest != nullptr;
    report.seed = world.Seed();
    report.simulated_s = world.NowSeconds();
    std::ifstream written(*summary_path);
    report.summary = nlohmann::json::parse(written, nullptr, false);
    if (report.summary.is_discarded())
        return Error{"cannot read back " + *summary_path};
    // The browser holds sockets of the world's nodes: it goes before the world.
    moments.reset();
    guest.reset();
    return report;
}

} // namespace

Expected<EmulateReport> EmulateScenario(const scenario::Scenario& s, const EmulateOptions& options,
                                        std::ostream& out) {
    auto report = Emulate(s, options, out);
    if (!report || !report->guest_modelled)
        return report; // a real guest's join is the person's to judge, not the lab's
    // As for a run: the captures are complete only once the world has closed them. The
    // page shows a real browser's screenshots too.
    auto page = run::DiagnoseAndReport(options.out_dir, report->summary);
    if (!page)
        return page.Err();
    report->report_html = *page;
    return report;
}

} // namespace cmslab::emulate
