// Whole-run benchmark: how fast the lab simulates a deployment and how much memory a run
// takes. Runs a scenario (default: the reference deployment) with its guest scaled to
// --guests N (as `cmslab run --guests N` does) and each guest's media stretched to
// --media seconds, and reports the guests' outcomes, wall time, frames captured per wall
// second, media packets and the process's peak resident memory. bench/compare sets it
// beside bench/bare_ns3.cpp, the same media on bare ns-3.
//
// One run per process: ns-3's simulator is global, and peak memory is per process.
#include "network/crowd_results.h"
#include "outcome/outcome.h"
#include "run/run_scenario.h"
#include "scenario/default_scenario.h"
#include "scenario/guest_crowd_scale.h"
#include "scenario/loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

void Usage(std::ostream& os) {
    os << "usage: cmslab_run_bench [SCENARIO] [--guests N] [--media SECONDS] [--out DIR]\n"
          "                        [--json]\n\n"
          "Runs one scenario (default: the reference deployment) with N guests in all\n"
          "(default 1; the others as `cmslab run --guests N` adds them), each in the call's\n"
          "media for SECONDS (default 60), and prints the guests' outcomes, simulated\n"
          "seconds, wall time, frames captured on all segments and per wall second, media\n"
          "packets and peak resident memory. --json prints one JSON object instead.\n"
          "The run's files go to DIR (default: a directory under the system's temporary\n"
          "directory).\n";
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
        in.ignore(caplen); // read on, not seek: a seek per record is a system call
        ++records;
    }
    return records;
}

struct GuestTally {
    std::map<std::string, std::uint64_t> outcomes = {
        {"joined", 0}, {"failed", 0}, {"unfinished", 0}};
    std::uint64_t media_sent = 0;     // by the guests
    std::uint64_t media_received = 0; // by the guests
};

// A crowd's guests from guests.jsonl; a single guest from the summary.
GuestTally TallyGuests(const fs::path& out_dir, const nlohmann::json& summary) {
    GuestTally tally;
    std::ifstream lines(out_dir / "guests.jsonl");
    if (lines) {
        std::string line;
        while (std::getline(lines, line)) {
            const nlohmann::json g = nlohmann::json::parse(line, nullptr, false);
            if (!g.is_object())
                continue;
            ++tally.outcomes[g.value("outcome", "unfinished")];
            tally.media_sent += g["media"].value("sent_packets", std::uint64_t{0});
            tally.media_received += g["media"].value("received_packets", std::uint64_t{0});
        }
        return tally;
    }
    const auto outcome = cmslab::outcome::OutcomeFromJson(summary);
    ++tally.outcomes[outcome ? cmslab::network::CrowdOutcomeName(*outcome) : "unfinished"];
    if (outcome) {
        tally.media_sent = outcome->media.sent.packets;
        tally.media_received = outcome->media.received.packets;
    }
    return tally;
}

bool WholeNumber(const std::string& text, std::size_t low, std::size_t high, std::size_t* out) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != text.npos)
        return false;
    const std::size_t v = std::stoul(text);
    if (v < low || v > high)
        return false;
    *out = v;
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::string path = cmslab::scenario::DefaultScenarioPath();
    std::string out_dir;
    double media_s = 60;
    std::size_t guests = 1;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            Usage(std::cout);
            return 0;
        }
        if (a == "--json") {
            json = true;
            continue;
        }
        if (a == "--media" || a == "--out" || a == "--guests") {
            if (i + 1 >= argc) {
                std::cerr << "cmslab_run_bench: " << a << " needs a value\n";
                return 2;
            }
            const std::string value = argv[++i];
            if (a == "--out") {
                out_dir = value;
            } else if (a == "--guests") {
                if (!WholeNumber(value, 1, 100000, &guests)) {
                    std::cerr << "cmslab_run_bench: --guests takes a whole number from 1 to "
                                 "100000, not '"
                              << value << "'\n";
                    return 2;
                }
            } else {
                char* end = nullptr;
                media_s = std::strtod(value.c_str(), &end);
                if (end == value.c_str() || *end != '\0' || !(media_s > 0) || media_s > 86400) {
                    std::cerr << "cmslab_run_bench: --media takes seconds (0 to 86400], not '"
                              << value << "'\n";
                    return 2;
                }
            }
            continue;
        }
        if (!a.empty() && a[0] == '-') {
            std::cerr << "cmslab_run_bench: unknown option '" << a << "'\n";
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
    cmslab::scenario::ScaleGuestToCrowd(s.guest_config, guests);
    s.guest_config.media_duration_s = media_s;
    if (s.guest_config.crowd.media_duration_s)
        s.guest_config.crowd.media_duration_s = media_s;
    // Room for the last guest's join before its media and for the hang-up after it.
    s.duration_s =
        std::max(s.duration_s, cmslab::scenario::LastGuestArrivalS(s.guest_config) + media_s + 60);

    if (out_dir.empty())
        out_dir = (fs::temp_directory_path() / "cmslab-run-bench").string();
    const auto start = std::chrono::steady_clock::now();
    auto report = cmslab::run::RunScenario(s, {out_dir, std::nullopt});
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Before the captures are counted: that reading is the benchmark's, not the run's.
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    if (!report) {
        std::cerr << "cmslab_run_bench: " << report.Message() << "\n";
        return 2;
    }
    std::uint64_t frames = 0;
    std::map<std::string, std::uint64_t> per_segment;
    for (const auto& entry : fs::directory_iterator(fs::path(out_dir) / "pcap")) {
        const std::uint64_t n = CountPcapRecords(entry.path());
        per_segment[entry.path().stem().string()] = n;
        frames += n;
    }
    const GuestTally tally = TallyGuests(out_dir, report->summary);
    const double peak_mib = usage.ru_maxrss / 1024.0;
    // The process's CPU time (the whole process, start-up included): on a loaded machine
    // it moves less than the wall time.
    const double cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;

    if (json) {
        nlohmann::ordered_json j;
        j["program"] = "cmslab_run_bench";
        j["scenario"] = s.name;
        j["guests"] = guests;
        j["media_s"] = media_s;
        j["outcomes"] = tally.outcomes;
        j["simulated_s"] = report->simulated_s;
        j["wall_s"] = wall_s;
        j["cpu_s"] = cpu_s;
        j["frames"] = frames;
        j["frames_per_wall_s"] = static_cast<double>(frames) / wall_s;
        j["media_sent"] = tally.media_sent;
        j["media_received"] = tally.media_received;
        j["peak_mib"] = peak_mib;
        j["segments"] = per_segment;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::printf("scenario            %s\n", s.name.c_str());
    std::printf("guests              %zu: %llu joined (in the call with media), %llu failed, "
                "%llu unfinished\n",
                guests, static_cast<unsigned long long>(tally.outcomes.at("joined")),
                static_cast<unsigned long long>(tally.outcomes.at("failed")),
                static_cast<unsigned long long>(tally.outcomes.at("unfinished")));
    std::printf("simulated           %.0f s (media %g s each)\n", report->simulated_s, media_s);
    std::printf("media packets       %llu sent, %llu received by the guests\n",
                static_cast<unsigned long long>(tally.media_sent),
                static_cast<unsigned long long>(tally.media_received));
    std::printf("wall time           %.2f s (CPU %.2f s)\n", wall_s, cpu_s);
    std::printf("simulated/wall      %.1f\n", report->simulated_s / wall_s);
    std::printf("captured frames     %llu (%.0f per wall second, all segments)\n",
                static_cast<unsigned long long>(frames), static_cast<double>(frames) / wall_s);
    for (const auto& [name, n] : per_segment)
        std::printf("  %-17s %llu\n", name.c_str(), static_cast<unsigned long long>(n));
    std::printf("peak memory (RSS)   %.1f MiB\n", peak_mib);
    return 0;
}
