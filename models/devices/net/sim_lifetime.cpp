#include "sim_lifetime.h"

#include "ns3/simulator.h"

#include <utility>
#include <vector>

namespace cmslab::devices::net::detail {

namespace {

struct Registry {
    std::uint64_t current = 1;
    bool hooked = false;
    std::vector<std::function<void()>> hooks;
};

Registry& Global() {
    static Registry registry;
    return registry;
}

void EndOfSimulation() {
    Registry& r = Global();
    // Bump first: objects the hooks release must see their simulation as gone.
    ++r.current;
    r.hooked = false;
    std::vector<std::function<void()>> hooks = std::move(r.hooks);
    r.hooks.clear();
    for (auto& hook : hooks)
        hook();
}

} // namespace

std::uint64_t CurrentSimulation() {
    Registry& r = Global();
    if (!r.hooked) {
        r.hooked = true;
        ns3::Simulator::ScheduleDestroy(&EndOfSimulation);
    }
    return r.current;
}

bool SimulationAlive(std::uint64_t id) {
    return id == Global().current;
}

void AtSimulationEnd(std::function<void()> hook) {
    CurrentSimulation();
    Global().hooks.push_back(std::move(hook));
}

} // namespace cmslab::devices::net::detail
