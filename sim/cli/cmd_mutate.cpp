#include "commands.h"

#include "command_support.h"

#include "mutate/write_variants.h"
#include "scenario/default_scenario.h"

#include <filesystem>
#include <iostream>
#include <map>

namespace cmslab::cli {

namespace {

void MutateUsage(std::ostream& os) {
    os << "usage: cmslab mutate [SCENARIO] [--out DIR]\n\n"
          "Writes variants of SCENARIO that each change ONE setting, derived from the file by\n"
          "the kind of setting (not by its name): each entry of each list removed (SAN\n"
          "names, firewall rules, DNS records, routes, users, trust list entries), each\n"
          "address pointed at another node's, each DNS name swapped for another name of the\n"
          "same address, each port moved up by one, each boolean flipped (NAT reflection,\n"
          "statefulness, TURN on/off...), each side of each credential pair changed, each\n"
          "certificate made self-signed or expired, each trust list emptied.\n"
          "Each variant is a scenario file DIR/<name>.json whose description says what\n"
          "changed, with the RFC 6902 JSON Patch from SCENARIO in its `mutation` block\n"
          "(scenarios/README.md, scenario.mutation). Each is checked as `cmslab validate`\n"
          "checks a file; a variant the validator refuses is written to DIR/refused/ with\n"
          "the validator's reasons (<name>.txt) and listed here, never among the valid ones.\n"
          "Variants an earlier mutate wrote into DIR are removed first.\n"
          "Without SCENARIO, uses the reference deployment.\n\n"
          "options:\n"
          "  --out DIR   where to write (default results/mutate/<scenario file name>)\n"
          "  --help      this text\n\n"
          "Then: `cmslab sweep DIR -j 2 --out RESULTS` runs them and tabulates what breaks.\n\n"
          "exit status: 0 variants written (refusals listed), 2 SCENARIO invalid or\n"
          "unreadable, nothing derived, or usage error.\n";
}

} // namespace

int Mutate(const Args& args) {
    const CommandLine line = ParseCommandLine("mutate", MutateUsage, args, {{"--out", 1}});
    if (line.exit)
        return *line.exit;
    if (auto second = line.AtMostOne("scenario"))
        return line.Refuse(*second);
    const std::string source =
        line.positional.empty() ? scenario::DefaultScenarioPath() : line.positional.front();
    const std::string out = line.Value("--out").value_or(
        "results/mutate/" + std::filesystem::path(source).stem().string());
    const mutate::MutateReport report = mutate::WriteVariants(source, out);
    if (!report.problem.empty()) {
        std::cerr << "cmslab mutate: " << report.problem << "\n";
        return 2;
    }
    std::map<std::string, std::size_t> by_kind;
    for (const auto& v : report.written)
        ++by_kind[v.document["mutation"]["kind"].get<std::string>()];
    for (const auto& v : report.refused) {
        const std::string reason = v.refused.substr(0, v.refused.find('\n'));
        std::cout << "refused by the validator: " << v.name << ": "
                  << v.document["mutation"]["change"].get<std::string>() << "\n  " << reason
                  << "\n";
    }
    std::cout << source << ": " << report.written.size() << " valid variants in " << out << ", "
              << report.refused.size() << " refused by the validator (in " << out << "/refused)\n";
    for (const auto& [kind, n] : by_kind)
        std::cout << "  " << kind << ": " << n << "\n";
    if (report.written.empty() && report.refused.empty()) {
        std::cerr << "cmslab mutate: " << source << ": no setting of a kind that mutate changes\n";
        return 2;
    }
    return 0;
}

} // namespace cmslab::cli
