#include "commands.h"

#include "command_support.h"

#include "ladder/ladder.h"
#include "ladder/ladder_svg.h"
#include "ladder/ladder_text.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace cmslab::cli {

namespace {

void LadderUsage(std::ostream& os) {
    os << "usage: cmslab ladder RESULT_DIR [--svg FILE] [--media] [--json]\n\n"
          "Draws the guest join as a ladder across the boxes, built from what the run\n"
          "recorded in RESULT_DIR (pcap/*.pcap, topology.dot, summary.json, logs/): one line\n"
          "per message that matters (DNS, TCP SYN, TLS handshake, HTTP rows the boxes' logs\n"
          "record, TURN and its error codes, ICE checks, DTLS, the first and last RTP of each\n"
          "stream), in time order. A packet seen before and after the NAT is one arrow with\n"
          "both address pairs; each arrow names its capture and frame (or its log line).\n"
          "Lines starting with '!' carry an error (4xx, TLS alert, TURN error, ICMP\n"
          "unreachable, a retransmitted request never answered).\n\n"
          "options:\n"
          "  --svg FILE  write the ladder as an SVG picture to FILE instead of the text\n"
          "  --media     show every RTP packet (by default each stream's first and last)\n"
          "  --json      the ladder as JSON (columns, arrows, notes)\n"
          "  --help      this text\n\n"
          "exit status: 0 drawn, 2 unusable folder or usage error.\n";
}

} // namespace

int Ladder(const Args& args) {
    const CommandLine line = ParseCommandLine("ladder", LadderUsage, args,
                                              {{"--svg", 1}, {"--media", 0}, {"--json", 0}});
    if (line.exit)
        return *line.exit;
    if (auto more = line.AtMostOne("results folder"))
        return line.Refuse(*more);
    if (line.positional.empty())
        return line.Refuse("which results folder? (cmslab run writes one: --out DIR)");
    if (line.Has("--svg") && line.Has("--json"))
        return line.Refuse("--svg and --json: one output at a time");
    ladder::Options options;
    options.media = line.Has("--media");
    auto built = ladder::BuildLadder(line.positional.front(), options);
    if (!built) {
        std::cerr << "cmslab ladder: " << built.Message() << "\n";
        return 2;
    }
    if (auto svg = line.Value("--svg")) {
        std::ofstream out(*svg, std::ios::binary);
        out << ladder::ToSvgFile(*built);
        if (!out.flush()) {
            std::cerr << "cmslab ladder: cannot write " << *svg << "\n";
            return 2;
        }
        return 0;
    }
    if (line.Has("--json"))
        std::cout << ladder::ToJson(*built).dump(2) << "\n";
    else
        std::cout << ladder::ToText(*built);
    return 0;
}

} // namespace cmslab::cli
