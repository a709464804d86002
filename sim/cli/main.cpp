// cmslab: a discrete-event lab of the Cisco Meeting Server WebRTC proxy over Expressway.
#include "commands.h"

#include <cstring>
#include <iostream>
#include <map>

namespace {

struct Command {
    int (*fn)(const cmslab::cli::Args&);
    const char* summary;
};

const std::map<std::string, Command>& Commands() {
    static const std::map<std::string, Command> commands = {
        {"run", {cmslab::cli::Run, "simulate a guest joining through a deployment"}},
        {"emulate",
         {cmslab::cli::Emulate, "run a deployment in real time with real hosts attached"}},
        {"validate", {cmslab::cli::Validate, "check a scenario file without simulating it"}},
        {"topology", {cmslab::cli::Topology, "print a scenario's network as Graphviz DOT"}},
        {"diagnose", {cmslab::cli::Diagnose, "name the root cause of a run from its results"}},
        {"check", {cmslab::cli::Check, "run scenarios and compare them with their expect blocks"}},
        {"diff", {cmslab::cli::Diff, "run two scenarios and show what changes between them"}},
        {"mutate", {cmslab::cli::Mutate, "write one-setting variants of a scenario"}},
        {"sweep", {cmslab::cli::Sweep, "run variants in parallel and tabulate what breaks"}},
        {"ladder", {cmslab::cli::Ladder, "draw a run's join as a ladder across the boxes"}},
    };
    return commands;
}

void Usage(std::ostream& os) {
    os << "usage: cmslab <command> [options]\n\n"
          "A lab of the Cisco Meeting Server WebRTC proxy over Expressway-C and\n"
          "Expressway-E, simulated on ns-3 with real protocol bytes.\n\ncommands:\n";
    for (const auto& [name, cmd] : Commands())
        os << "  " << name << std::string(12 - name.size(), ' ') << cmd.summary << "\n";
    os << "\n`cmslab <command> --help` describes each command. An option's value may follow\n"
          "it (--out DIR) or an equals sign (--out=DIR).\n";
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        Usage(std::cerr);
        return 2;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        Usage(std::cout);
        return 0;
    }
    auto it = Commands().find(name);
    if (it == Commands().end()) {
        std::cerr << "cmslab: unknown command '" << name << "'\n\n";
        Usage(std::cerr);
        return 2;
    }
    cmslab::cli::Args args(argv + 2, argv + argc);
    try {
        return it->second.fn(args);
    } catch (const std::exception& e) {
        std::cerr << "cmslab " << name << ": " << e.what() << "\n";
        return 2;
    }
}
