#include "run_scenario.h"

#include "api_record.h"
#include "crowd.h"
#include "crowd_results.h"
#include "key_log_file.h"
#include "network_check.h"
#include "results_writer.h"
#include "scenario_pki.h"
#include "status_moments.h"
#include "topology/dot_export.h"
#include "topology/topology.h"
#include "wire_browser.h"
#include "wire_cms.h"
#include "wire_expressway.h"
#include "world.h"

#include "cms/cms_app.h"
#include "diagnosis/diagnose.h"
#include "expressway/expressway_c_app.h"
#include "expressway/expressway_e_app.h"
#include "report/report_html.h"

#include <fstream>

namespace cmslab::run {

std::string DefaultOutDir(const scenario::Scenario& scenario) {
    return "results/" + network::FileNameFor(scenario.name);
}

namespace {

// The most relays the Expressway-Es held at once, and participants in one call of a CMS.
network::CrowdPeaks Peaks(const network::ExpresswayApps& expressways,
                          const std::map<std::string, ns3::Ptr<cms::CmsApp>>& cms) {
    network::CrowdPeaks peaks;
    for (const auto& [name, app] : expressways.e)
        if (app->Turn())
            peaks.relays += app->Turn()->Counters().peak_allocations;
    for (const auto& [name, app] : cms)
        if (app->Bridge())
            peaks.participants = std::max(peaks.participants, app->Bridge()->PeakInCall());
    return peaks;
}

Expected<RunReport> Simulate(const scenario::Scenario& s, const RunOptions& options) {
    network::BuildOptions build;
    build.out_dir = options.out_dir;
    build.seed = options.seed;
    auto built = network::World::Build(s, build);
    if (!built)
        return built.Err();
    network::World& world = **built;

    auto dns = world.StartDnsServers();
    if (!dns)
        return dns.Err();
    // Certificates come from the run's seed: the same seed issues the same keys, so the
    // captures of two runs are byte-identical.
    auto pki = network::ScenarioPki::Issue(s.pki, world.Seed());
    if (!pki)
        return pki.Err();
    // Every TLS and DTLS endpoint of the run appends here, so Wireshark can decrypt all
    // of the captures with one file.
    devices::net::KeyLogFile keys(options.out_dir + "/sslkeys.log");
    auto expressways = network::StartExpressways(world, *pki, keys.Sink());
    if (!expressways)
        return expressways.Err();
    auto cms = network::StartCms(world, *pki, keys.Sink());
    if (!cms)
        return cms.Err();
    auto api_record = network::StartApiRecord(world, *pki, keys.Sink(), options.out_dir);
    // The scenario's guest opens the page guest.start_after into the run (the boxes are up
    // by then); the crowd's others arrive after it.
    auto guests =
        network::Crowd::Start(world, *pki, keys.Sink(),
                              std::chrono::duration_cast<Duration>(
                                  std::chrono::duration<double>(s.guest_config.start_after_s)));
    if (!guests)
        return guests.Err();
    network::Crowd& crowd = **guests;
    StatusMoments moments(world, crowd.First(), options.out_dir);
    moments.Start();

    world.RunFor(s.duration_s);
    crowd.Finish();
    if (!crowd.StartError().empty())
        return Error{crowd.StartError()};
    keys.Flush();
    if (keys.Failed())
        return Error{"cannot write " + keys.Path()};

    auto results = network::WriteResults(world, options.out_dir);
    if (!results)
        return results.Err();
    auto taken = moments.Taken();
    if (!taken)
        return taken.Err();
    (*results)["status_moments"] = *taken;
    // A crowd: one line per guest, and the aggregate beside the first guest's stages. A
    // run of one writes neither, so its folder is what it always was.
    if (crowd.IsCrowd()) {
        const auto everyone = crowd.Guests();
        auto lines = network::WriteGuestsJsonl(options.out_dir, everyone);
        if (!lines)
            return lines.Err();
        (*results)["crowd"] = nlohmann::json::parse(
            network::CrowdAggregateJson(everyone, Peaks(*expressways, *cms)).dump());
    }
    auto summary_path =
        network::WriteOutcomeSummary(world, options.out_dir, crowd.First().Result(), *results);
    if (!summary_path)
        return summary_path.Err();
    // The graph of the deployment beside its captures, so a run's folder explains itself.
    std::ofstream dot(options.out_dir + "/topology.dot");
    dot << topology::ToDot(topology::Topology(s));
    if (!dot)
        return Error{"cannot write " + options.out_dir + "/topology.dot"};

    RunReport report;
    report.out_dir = options.out_dir;
    report.seed = world.Seed();
    report.simulated_s = world.NowSeconds();
    report.epoch_unix_s = world.EpochUnixSeconds();
    std::ifstream written(*summary_path);
    report.summary = nlohmann::json::parse(written, nullptr, false);
    if (report.summary.is_discarded())
        return Error{"cannot read back " + *summary_path};
    // The browsers hold sockets of the world's nodes: they go first.
    guests->reset();
    return report;
}

} // namespace

Expected<RunReport> RunScenario(const scenario::Scenario& s, const RunOptions& options) {
    auto report = Simulate(s, options);
    if (!report)
        return report;
    // After Simulate: the captures are complete on disk only once the world has let go of
    // its pcap files.
    auto page = DiagnoseAndReport(options.out_dir, report->summary);
    if (!page)
        return page.Err();
    report->report_html = *page;
    return report;
}

Expected<std::string> DiagnoseAndReport(const std::string& out_dir, nlohmann::json& summary) {
    auto diagnosed = diagnosis::WriteDiagnosis(out_dir);
    if (!diagnosed)
        return diagnosed.Err();
    summary["diagnosis"] = nlohmann::json::parse(diagnosed->Json().dump());
    // Last: the page reads the folder whole, diagnosis included.
    return report::WriteReport(out_dir);
}

} // namespace cmslab::run
