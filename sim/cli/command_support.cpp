#include "command_support.h"

#include "run/run_scenario.h"
#include "scenario/loader.h"
#include "scenario/scenario.h"

#include <iostream>

namespace cmslab::cli {

void PrintLoadReport(std::ostream& os, const scenario::LoadResult& loaded,
                     const std::string& path) {
    os << loaded.ReportWithoutNotSimulated();
    const std::size_t n = loaded.NotSimulatedCount();
    if (n == 0)
        return;
    os << path << ": warning: " << n << (n == 1 ? " setting is" : " settings are")
       << " not simulated; `cmslab validate " << path << "` lists " << (n == 1 ? "it" : "them")
       << "\n";
}

int RunInto(std::string_view command, const scenario::Scenario& s, const std::string& out_dir,
            bool announce) {
    run::RunOptions options;
    options.out_dir = out_dir;
    auto report = run::RunScenario(s, options);
    if (!report) {
        std::cerr << "cmslab " << command << ": " << s.source_path << ": " << report.Message()
                  << "\n";
        return 2;
    }
    if (announce)
        std::cout << s.name << ": simulated " << report->simulated_s << " s (seed " << report->seed
                  << ") -> " << report->out_dir << "\n";
    return 0;
}

} // namespace cmslab::cli
