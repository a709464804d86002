// Internal to the package: which simulator instance an object belongs to. ns-3's
// Simulator::Destroy frees every event and node; an object that outlives it (a handle
// destroyed after the World) must not call into ns-3 again, since any call would
// quietly create a fresh simulator.
#pragma once

#include <cstdint>
#include <functional>

namespace cmslab::devices::net::detail {

// The current simulation's number; registers the end-of-simulation hook on first use.
// Call only where ns-3 is about to be used anyway.
std::uint64_t CurrentSimulation();
// Whether simulation `id` has not been destroyed yet. Never calls into ns-3.
bool SimulationAlive(std::uint64_t id);
// Runs `hook` when the current simulation is destroyed (after the nodes are disposed).
void AtSimulationEnd(std::function<void()> hook);

} // namespace cmslab::devices::net::detail
