#include "commands.h"

#include "command_support.h"

#include "scenario/default_scenario.h"
#include "scenario/loader.h"
#include "topology/dot_export.h"
#include "topology/route_trace.h"

#include <iostream>

namespace cmslab::cli {

namespace {

void TopologyUsage(std::ostream& os) {
    os << "usage: cmslab topology [SCENARIO] [--trace NODE ADDRESS]\n\n"
          "Prints the scenario's network as Graphviz DOT on standard output: networks as\n"
          "boxes with their prefix, hosts with role and addresses, static NAT mappings as\n"
          "dashed edges. Render it with `dot -Tsvg`.\n"
          "Without SCENARIO, uses the built-in reference deployment.\n\n"
          "  --trace NODE ADDRESS  instead, print the hops a packet from NODE to ADDRESS\n"
          "                        takes, and its reply\n\n"
          "exit status: 0 printed, 2 invalid scenario (errors on standard error, nothing\n"
          "printed) or usage error.\n";
}

void PrintTrace(const topology::RouteTrace& t) {
    for (const auto& h : t.hops)
        std::cout << "  " << h.node << " " << h.interface_name << " -> " << h.network << " -> "
                  << h.next_node << "   (" << h.source.ToString() << " -> "
                  << h.destination.ToString() << ")\n";
    if (t.reached)
        std::cout << "  reached " << t.destination_node << ", which sees the source as "
                  << t.source_at_arrival.ToString() << "\n";
    else
        std::cout << "  not reached: " << t.failure << "\n";
}

} // namespace

int Topology(const Args& args) {
    const CommandLine line = ParseCommandLine("topology", TopologyUsage, args, {{"--trace", 2}});
    if (line.exit)
        return *line.exit;
    if (auto more = line.AtMostOne("scenario"))
        return line.Refuse(*more);
    const std::string path =
        line.positional.empty() ? scenario::DefaultScenarioPath() : line.positional.front();
    const std::vector<std::string> trace = line.Values("--trace");
    const auto result = scenario::LoadScenario(path);
    PrintLoadReport(std::cerr, result, path);
    if (!result.Ok()) {
        std::cerr << path << ": " << result.ErrorCount() << " error"
                  << (result.ErrorCount() == 1 ? "" : "s") << "\n";
        return 2;
    }
    const topology::Topology topo(*result.scenario);
    if (trace.empty()) {
        std::cout << topology::ToDot(topo);
        return 0;
    }
    const std::string& trace_node = trace[0];
    const auto address = IpAddress::Parse(trace[1]);
    if (!topo.HostVertex(trace_node) || !address) {
        std::cerr << "cmslab topology: --trace needs a node of the scenario and an IP address\n";
        return 2;
    }
    const auto rt = topology::CheckRoundTrip(topo, trace_node, *address);
    std::cout << trace_node << " -> " << address->ToString() << ":\n";
    PrintTrace(rt.forward);
    if (rt.forward.reached) {
        std::cout << "reply " << rt.forward.destination_node << " -> "
                  << rt.forward.source_at_arrival.ToString() << ":\n";
        PrintTrace(rt.reply);
    }
    std::cout << (rt.ok ? "round trip ok\n" : "round trip fails: " + rt.Explain() + "\n");
    return 0;
}

} // namespace cmslab::cli
