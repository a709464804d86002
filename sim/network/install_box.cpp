#include "install_box.h"

#include "ns3/nstime.h"

namespace cmslab::network {

void InstallBox(World& world, const std::string& node, const std::string& model,
                ns3::Ptr<ns3::Application> app, World::StatusProvider status) {
    // A real host stands in for an attached node: the box is configured but never
    // started, so it opens no socket and has no status page to show.
    if (world.Attached(node))
        return;
    world.GetNode(node)->AddApplication(app);
    app->SetStartTime(ns3::Seconds(0));
    world.AddStatus(node, std::move(status));
    world.NoteDevice(node, model);
}

} // namespace cmslab::network
