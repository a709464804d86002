#include "run_scenario.h"

#include "api_record.h"
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
    auto guest = network::StartBrowser(world, *pki, keys.Sink());
    if (!guest)
        return guest.Err();
    StatusMoments moments(world, **guest, options.out_dir);
    moments.Start();

    world.RunFor(s.duration_s);
    (*guest)->Finish();
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
    auto summary_path =
        network::WriteOutcomeSummary(world, options.out_dir, (*guest)->Result(), *results);
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
    // The browser holds sockets of the world's nodes: it goes first.
    guest->reset();
    return report;
}

} // namespace

Expected<RunReport> RunScenario(const scenario::Scenario& s, const RunOptions& options) {
    auto report = Simulate(s, options);
    if (!report)
        return report;
    // After Simulate: the captures are complete on disk only once the world has let go of
    // its pcap files. Read as `cmslab diagnose` reads the folder, added to summary.json.
    auto diagnosed = diagnosis::WriteDiagnosis(options.out_dir);
    if (!diagnosed)
        return diagnosed.Err();
    report->summary["diagnosis"] = nlohmann::json::parse(diagnosed->Json().dump());
    // Last: the page reads the folder whole, diagnosis included.
    auto page = report::WriteReport(options.out_dir);
    if (!page)
        return page.Err();
    report->report_html = *page;
    return report;
}

} // namespace cmslab::run
