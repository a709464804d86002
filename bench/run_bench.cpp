// Whole-run benchmark: how fast the lab simulates a deployment and how much memory a run
// takes. Runs a scenario (default: the reference deployment) with the guest's media
// stretched to --media seconds, and reports wall time, simulated seconds per wall
// second, packets captured per wall second and the process's peak resident memory.
//
// One run per process: ns-3's simulator is global, and peak memory is per process.
#include "run/run_scenario.h"
#include "scenario/default_scenario.h"
#include "scenario/loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/resource.h>

namespace {

namespace fs = std::filesystem;

void Usage(std::ostream& os) {
    os << "usage: cmslab_run_bench [SCENARIO] [--media SECONDS] [--out DIR]\n\n"
          "Runs one scenario (default: the reference deployment) with the guest's media\n"
          "lasting SECONDS (default 60) and prints wall time, simulated seconds per wall\n"
          "second, captured packets per wall second and peak resident memory.\n";
}

// Records in a classic pcap file: the file header is 24 bytes, each record has a
// 16-byte header whose third word is the captured length.
std::uint64_t CountPcapRecords(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char header[24];
    if (!in.read(header, sizeof(header)))
        return 0;
    std::uint64_t records = 0;
    unsigned char record[16];
    while (in.read(reinterpret_cast<char*>(record), sizeof(record))) {
        const std::uint32_t caplen = record[8] | record[9] << 8 | record[10] << 16 |
                                     static_cast<std::uint32_t>(record[11]) << 24;
        in.seekg(caplen, std::ios::cur);
        ++records;
    }
    return records;
}

} // namespace

int main(int argc, char** argv) {
    std::string path = cmslab::scenario::DefaultScenarioPath();
    std::string out_dir;
    double media_s = 60;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            Usage(std::cout);
            return 0;
        }
        if ((a == "--media" || a == "--out") && i + 1 < argc) {
            const std::string value = argv[++i];
            if (a == "--out") {
                out_dir = value;
                continue;
            }
            char* end = nullptr;
            media_s = std::strtod(value.c_str(), &end);
            if (end == value.c_str() || *end != '\0' || media_s <= 0 || media_s > 86400) {
                std::cerr << "cmslab_run_bench: --media takes seconds (0 to 86400], not '" << value
                          << "'\n";
                return 2;
            }
            continue;
        }
        if (!a.empty() && a[0] == '-') {
            Usage(std::cerr);
            return 2;
        }
        path = a;
    }

    auto loaded = cmslab::scenario::LoadScenario(path);
    if (!loaded.Ok()) {
        std::cerr << loaded.Report();
        return 2;
    }
    cmslab::scenario::Scenario s = *loaded.scenario;
    s.guest_config.media_duration_s = media_s;
    // Room for the join before the media and for the hang-up after it.
    s.duration_s = std::max(s.duration_s, media_s + 60);

    if (out_dir.empty())
        out_dir = (fs::temp_directory_path() / "cmslab-run-bench").string();
    const auto start = std::chrono::steady_clock::now();
    auto report = cmslab::run::RunScenario(s, {out_dir, std::nullopt});
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!report) {
        std::cerr << "cmslab_run_bench: " << report.Message() << "\n";
        return 2;
    }
    std::uint64_t packets = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(out_dir) / "pcap"))
        packets += CountPcapRecords(entry.path());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    const auto& media = report->summary["media"];
    std::printf("scenario            %s\n", s.name.c_str());
    std::printf("simulated           %.0f s (media %.0f s)\n", report->simulated_s, media_s);
    std::printf("media packets       %s sent, %s received by the guest\n",
                media["sent"]["packets"].dump().c_str(),
                media["received"]["packets"].dump().c_str());
    std::printf("wall time           %.2f s\n", wall_s);
    std::printf("simulated/wall      %.1f\n", report->simulated_s / wall_s);
    std::printf("captured packets    %llu (%.0f per wall second, all segments)\n",
                static_cast<unsigned long long>(packets), packets / wall_s);
    std::printf("peak memory (RSS)   %.1f MiB\n", usage.ru_maxrss / 1024.0);
    return 0;
}
