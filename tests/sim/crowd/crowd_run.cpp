#include "crowd_run.h"

#include "support/process.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace cmslab::crowdtest {

std::string CrowdRun::Out(const std::string& rel) const {
    return dir->File(out + "/" + rel);
}

namespace {

long PeakRssKb(const std::string& time_output) {
    const std::string key = "Maximum resident set size (kbytes): ";
    const auto at = time_output.find(key);
    return at == std::string::npos ? 0 : std::stol(time_output.substr(at + key.size()));
}

} // namespace

CrowdRun RunCrowd(const std::string& name, const std::function<void(nlohmann::json&)>& edit,
                  const std::vector<std::string>& args, int timeout_s, const std::string& out,
                  std::shared_ptr<testkit::TempDir> reuse) {
    CrowdRun run;
    run.dir = reuse ? reuse : std::make_shared<testkit::TempDir>("cmslab-" + name);
    run.out = out;
    std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
    nlohmann::json scenario = nlohmann::json::parse(in, nullptr, false);
    if (scenario.is_discarded()) {
        run.output = "scenarios/reference.json does not parse";
        return run;
    }
    scenario["name"] = name;
    scenario.erase("expect");
    edit(scenario);
    const std::string path = run.dir->Write("scenario.json", scenario.dump(1));
    // /usr/bin/time -v measures the run's peak memory: a crowd's must stay small.
    std::vector<std::string> argv{"/usr/bin/time",
                                  "-v",
                                  "timeout",
                                  std::to_string(timeout_s),
                                  std::string(CMSLAB_BINARY_DIR) + "/cmslab",
                                  "run",
                                  path,
                                  "--quiet",
                                  "--out",
                                  run.dir->File(out)};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto start = std::chrono::steady_clock::now();
    const auto r = testkit::RunProcess(argv, std::chrono::seconds(timeout_s + 30));
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.output = r.out + r.err;
    run.peak_rss_kb = PeakRssKb(r.err);
    run.ok = r.exit_code == 0;
    std::ifstream summary(run.dir->File(out + "/summary.json"));
    if (run.ok && summary)
        run.summary = nlohmann::json::parse(summary, nullptr, false);
    std::ifstream lines(run.dir->File(out + "/guests.jsonl"));
    for (std::string line; std::getline(lines, line);)
        run.guests.push_back(nlohmann::json::parse(line, nullptr, false));
    // The figures the report of the work quotes.
    std::cout << "[ crowd run ] " << name << ": " << run.wall_s << " s wall, peak RSS "
              << run.peak_rss_kb << " kB\n";
    return run;
}

void SetTurn(nlohmann::json& scenario, const std::string& key, const nlohmann::json& value) {
    for (auto& node : scenario["nodes"])
        if (node.value("role", "") == "expressway_e")
            node["config"]["turn"][key] = value;
}

void SetCrowd(nlohmann::json& scenario, int guests, double interval, double stay) {
    scenario["guest"]["media_duration"] = stay;
    scenario["guest"]["crowd"] = {{"guests", guests}, {"interval", interval}};
}

std::size_t CountFrames(const std::string& pcap, const std::string& filter) {
    return testkit::TsharkFields(pcap, filter, {"frame.number"}).size();
}

} // namespace cmslab::crowdtest
