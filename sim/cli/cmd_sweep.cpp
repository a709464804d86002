#include "commands.h"

#include "command_support.h"

#include "sweep/job_file.h"
#include "sweep/job_pool.h"
#include "sweep/manifest.h"
#include "sweep/merge.h"
#include "sweep/tables.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <unistd.h>

namespace cmslab::cli {

namespace {

namespace fs = std::filesystem;

void SweepUsage(std::ostream& os) {
    os << "usage: cmslab sweep FILES_OR_DIR... [-j N] [--out DIR] [--timeout S]\n"
          "       cmslab sweep FILES_OR_DIR... --emit-jobs FILE [--out DIR] [--timeout S]\n"
          "       cmslab sweep --merge DIR\n\n"
          "Runs scenario files (typically the variants of `cmslab mutate`; a folder means\n"
          "its *.json) and tabulates what each one breaks. Each variant is an ordinary\n"
          "`cmslab run VARIANT --out DIR/<name>` in a process of its own, N at a time, killed\n"
          "at its deadline. Then writes into DIR:\n"
          "  sweep.json  sweep.csv  sweep.html   per variant the changed setting, the first\n"
          "      failed stage, the guest's screen, the diagnosis' root cause and whether it\n"
          "      names the changed setting; the diagnosis' accuracy over the failed joins;\n"
          "      the diagnosis gaps (join failed, diagnosis undetermined or naming another\n"
          "      setting); the changes that break nothing (every stage of the join ok)\n"
          "  sweep-manifest.json   the variants with the SHA-256 of each file\n"
          "  <name>/   each run's results; <name>.log   what each run printed\n\n"
          "options:\n"
          "  -j N, --jobs N    runs at once (default 1)\n"
          "  --out DIR         where to write (default results/sweep)\n"
          "  --timeout S       wall-clock seconds a run may take before it is killed\n"
          "                    (default 120); it is then listed without a result\n"
          "  --emit-jobs FILE  run nothing: write the manifest into DIR, FILE with one\n"
          "                    command line per variant, and FILE.sbatch, a Slurm job\n"
          "                    array over the same lines. Run them with any engine:\n"
          "                      parallel -j 2 -a FILE\n"
          "                      parallel --sshloginfile hosts -a FILE   (paths shared)\n"
          "                      sbatch FILE.sbatch\n"
          "                    then build the tables with --merge DIR\n"
          "  --merge DIR       run nothing: rebuild the tables from DIR's manifest and result\n"
          "                    folders. A folder holding a run of another file (its\n"
          "                    summary.json source_sha256 differs) or not in the manifest is\n"
          "                    refused: it belongs to another sweep\n"
          "  --help            this text\n\n"
          "exit status: 0 tables written, every variant with a result; 1 tables written, some\n"
          "variants without a result (crashed, timed out, not run yet); 2 unusable input, a\n"
          "folder of another sweep, or usage error.\n";
}

std::string SelfPath() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : self.string();
}

int Report(const std::string& dir, const sweep::MergeResult& merged) {
    const auto j = sweep::SweepJson(merged.sweep_id, merged.rows);
    const auto& acc = j["diagnosis_accuracy"];
    std::cout << "sweep " << merged.sweep_id << ": " << j["variants"].get<std::size_t>()
              << " variants, " << j["breaks"].get<std::size_t>() << " break the join, "
              << j["breaks_nothing"].get<std::size_t>() << " change nothing, "
              << j["no_result"].get<std::size_t>() << " without a result\n"
              << "diagnosis accuracy: " << acc["named_changed_setting"].get<std::size_t>() << " of "
              << acc["of_failed_joins"].get<std::size_t>()
              << " failed joins name the changed setting (" << acc["percent"].get<std::string>()
              << " %); " << j["diagnosis_gaps"].size() << " diagnosis gaps\n"
              << "tables: " << (fs::path(dir) / "sweep.html").string()
              << " (and sweep.json, sweep.csv)\n";
    return j["no_result"].get<std::size_t>() ? 1 : 0;
}

} // namespace

int Sweep(const Args& args) {
    const CommandLine line = ParseCommandLine("sweep", SweepUsage, args,
                                              {{"-j", 1},
                                               {"--jobs", 1},
                                               {"--out", 1},
                                               {"--timeout", 1},
                                               {"--emit-jobs", 1},
                                               {"--merge", 1}});
    if (line.exit)
        return *line.exit;

    if (auto dir = line.Value("--merge")) {
        if (!line.positional.empty() || line.Has("--emit-jobs") || line.Has("--out"))
            return line.Refuse("--merge DIR takes no scenario, --out or --emit-jobs");
        auto merged = sweep::Merge(*dir);
        if (!merged) {
            std::cerr << "cmslab sweep: " << merged.Message() << "\n";
            return 2;
        }
        return Report(*dir, *merged);
    }
    if (line.positional.empty())
        return line.Refuse("name the scenario files or a folder of them (cmslab mutate --out)");
    auto jobs =
        line.WholeNumber(line.Has("-j") ? "-j" : "--jobs", 1, "a whole number of runs at once");
    if (!jobs)
        return line.Refuse(jobs.Message());
    const auto timeout = line.WholeNumber("--timeout", 1, "a whole number of seconds");
    if (!timeout)
        return line.Refuse(timeout.Message());
    const unsigned parallel = static_cast<unsigned>(jobs->value_or(1));
    const unsigned timeout_s = static_cast<unsigned>(timeout->value_or(120));
    const std::string dir = line.Value("--out").value_or("results/sweep");

    auto manifest = sweep::BuildManifest(line.positional);
    if (!manifest) {
        std::cerr << "cmslab sweep: " << manifest.Message() << "\n";
        return 2;
    }
    // Results of another sweep in DIR would make the merge refuse at the end: say so first.
    std::set<std::string> names;
    for (const auto& e : manifest->entries)
        names.insert(e.name);
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && fs::exists(it->path() / "summary.json", ec) &&
            !names.count(it->path().filename().string())) {
            std::cerr << "cmslab sweep: " << it->path().string()
                      << " holds a run that is not one of these variants (another sweep's?); "
                         "use another --out\n";
            return 2;
        }
    if (auto written = sweep::WriteManifest(*manifest, dir); !written) {
        std::cerr << "cmslab sweep: " << written.Message() << "\n";
        return 2;
    }
    const std::string self = SelfPath();
    if (self.empty()) {
        std::cerr << "cmslab sweep: cannot find this program's own path (/proc/self/exe)\n";
        return 2;
    }

    if (auto file = line.Value("--emit-jobs")) {
        auto emitted = sweep::EmitJobs(*file, self, *manifest, dir, timeout_s);
        if (!emitted) {
            std::cerr << "cmslab sweep: " << emitted.Message() << "\n";
            return 2;
        }
        std::cout << manifest->entries.size() << " command lines in " << *file
                  << "; Slurm job array in " << *file << ".sbatch; manifest in "
                  << (fs::path(dir) / sweep::kManifestFile).string() << "\n"
                  << "run them:  parallel -j 2 -a " << *file << "   (or: sbatch " << *file
                  << ".sbatch)\nthen:      cmslab sweep --merge " << dir << "\n";
        return 0;
    }

    std::vector<sweep::Job> runs;
    for (const auto& e : manifest->entries) {
        // A folder left by an earlier run of this variant is not this run's result.
        fs::remove_all(fs::path(dir) / e.name, ec);
        runs.push_back(
            {sweep::RunArgv(self, e, dir), (fs::path(dir) / (e.name + ".log")).string()});
    }
    const auto start = std::chrono::steady_clock::now();
    std::size_t done = 0;
    const auto ends = sweep::RunJobs(runs, parallel, std::chrono::seconds(timeout_s),
                                     [&](std::size_t i, const sweep::JobEnd& end) {
                                         ++done;
                                         std::printf("[%zu/%zu] %s: %s (%.1f s)\n", done,
                                                     runs.size(), manifest->entries[i].name.c_str(),
                                                     end.Describe().c_str(), end.seconds);
                                         std::fflush(stdout);
                                     });
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto merged = sweep::Merge(dir);
    if (!merged) {
        std::cerr << "cmslab sweep: " << merged.Message() << "\n";
        return 2;
    }
    std::printf("%zu runs, %u at a time, in %.1f s\n", runs.size(), parallel, wall);
    return Report(dir, *merged);
}

} // namespace cmslab::cli
