#include "sweep/job_file.h"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace cmslab::sweep {

namespace fs = std::filesystem;

std::vector<std::string> RunArgv(const std::string& cmslab, const SweepEntry& e,
                                 const std::string& dir) {
    return {cmslab, "run", e.file, "--out", (fs::path(dir) / e.name).string()};
}

std::string ShellQuote(const std::string& word) {
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

Expected<bool> EmitJobs(const std::string& file, const std::string& cmslab, const Manifest& m,
                        const std::string& dir, unsigned timeout_s) {
    const std::string abs_dir = fs::absolute(dir).lexically_normal().string();
    {
        std::ofstream out(file, std::ios::trunc);
        for (const auto& e : m.entries) {
            // `timeout` (coreutils) bounds each run as the built-in runner does.
            std::string line = "timeout -s KILL " + std::to_string(timeout_s);
            for (const auto& word : RunArgv(cmslab, e, abs_dir))
                line += " " + ShellQuote(word);
            out << line << "\n";
        }
        if (!out)
            return Error{"cannot write " + file};
    }
    const std::string abs_file = fs::absolute(file).lexically_normal().string();
    const std::string script = file + ".sbatch";
    std::ofstream out(script, std::ios::trunc);
    out << "#!/bin/bash\n"
           "# Slurm job array of cmslab sweep "
        << m.id
        << ": task k runs line k of\n"
           "# "
        << abs_file << " (" << m.entries.size()
        << " lines). Submit with\n"
           "#   sbatch "
        << fs::absolute(script).lexically_normal().string()
        << "\n"
           "# then, once every task is done: cmslab sweep --merge "
        << abs_dir
        << "\n"
           "#SBATCH --job-name=cmslab-sweep-"
        << m.id
        << "\n"
           "#SBATCH --array=1-"
        << m.entries.size()
        << "\n"
           "#SBATCH --ntasks=1\n"
           "#SBATCH --cpus-per-task=1\n"
           "#SBATCH --time="
        << (timeout_s + 59) / 60 + 1
        << "\n"
           "#SBATCH --output="
        << abs_dir
        << "/slurm-%A_%a.log\n"
           "set -euo pipefail\n"
           "line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" "
        << ShellQuote(abs_file)
        << ")\n"
           "if [ -z \"$line\" ]; then\n"
           "  echo \"no line ${SLURM_ARRAY_TASK_ID} in "
        << abs_file
        << "\" >&2\n"
           "  exit 2\n"
           "fi\n"
           "exec bash -c \"$line\"\n";
    if (!out)
        return Error{"cannot write " + script};
    out.close();
    ::chmod(script.c_str(), 0755);
    return true;
}

} // namespace cmslab::sweep
