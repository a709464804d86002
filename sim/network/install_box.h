// How a box's ns-3 application joins the world, the same for every box the wire_*.cpp
// files and the DNS wiring start: added to its node, started at simulated time zero (the
// boxes are up before the guest's browser starts), its status page registered and its
// device model noted for summary.json. On a node a real host stands in for (World::Attached)
// it does none of that: the host's own programs serve instead.
#pragma once

#include "world.h"

#include "ns3/application.h"

#include <string>

namespace cmslab::network {

void InstallBox(World& world, const std::string& node, const std::string& model,
                ns3::Ptr<ns3::Application> app, World::StatusProvider status);

// The same for an application whose Status() is its whole status page.
template <typename App>
void InstallBox(World& world, const std::string& node, const std::string& model,
                ns3::Ptr<App> app) {
    InstallBox(world, node, model, app, [app] { return app->Status(); });
}

} // namespace cmslab::network
