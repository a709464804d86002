#include "commands.h"

#include "command_support.h"

#include "diagnosis/diagnose.h"

#include <iostream>

namespace cmslab::cli {

namespace {

void DiagnoseUsage(std::ostream& os) {
    os << "usage: cmslab diagnose RESULT_DIR [--json]\n\n"
          "Reads the folder a run wrote (summary.json, logs/, status/, pcap/) and says whether\n"
          "the guest join was healthy; if not, names the root cause in the products' terms:\n"
          "the setting, where to change it (menu path or API call), the value it should have,\n"
          "and the evidence (log line, status page entry, packet number in a capture). It\n"
          "also lists what looks like an error but is normal (the first 401 on a TURN\n"
          "Allocate is the credential challenge).\n\n"
          "options:\n"
          "  --json   the diagnosis as JSON (as summary.json's \"diagnosis\")\n"
          "  --help   this text\n\n"
          "exit status: 0 diagnosed (healthy or not), 2 unusable folder or usage error.\n";
}

} // namespace

int Diagnose(const Args& args) {
    const CommandLine line = ParseCommandLine("diagnose", DiagnoseUsage, args, {{"--json", 0}});
    if (line.exit)
        return *line.exit;
    if (auto more = line.AtMostOne("results folder"))
        return line.Refuse(*more);
    if (line.positional.empty())
        return line.Refuse("which results folder? (cmslab run writes one: --out DIR)");
    const bool json = line.Has("--json");
    auto diagnosis = diagnosis::DiagnoseFolder(line.positional.front());
    if (!diagnosis) {
        std::cerr << "cmslab diagnose: " << diagnosis.Message() << "\n";
        return 2;
    }
    if (json)
        std::cout << diagnosis->Json().dump(2) << "\n";
    else
        std::cout << diagnosis->Text();
    return 0;
}

} // namespace cmslab::cli
