#include "tap_bridge.h"

#include "ns3/bridge-helper.h"
#include "ns3/fd-net-device-helper.h"
#include "ns3/fd-net-device.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device-container.h"
#include "ns3/string.h"

namespace cmslab::emulate {

std::optional<std::string> BridgeTap(network::World& world, const std::string& node,
                                     const std::string& network, int tap_fd) {
    ns3::Ptr<ns3::NetDevice> port = world.AttachPort(node, network);
    if (!port)
        return node + " has no port on " + network + " to bridge (is it attached?)";
    ns3::FdNetDeviceHelper helper;
    // Plain Ethernet II frames, as a TAP opened with IFF_NO_PI reads and writes them.
    helper.SetAttribute("EncapsulationMode", ns3::StringValue("Dix"));
    ns3::Ptr<ns3::FdNetDevice> tap =
        ns3::DynamicCast<ns3::FdNetDevice>(helper.Install(world.GetNode(node)).Get(0));
    if (!tap)
        return "ns-3 made no FdNetDevice for " + node;
    tap->SetFileDescriptor(tap_fd);
    // Its own address (the port's with last byte 0x03) never shows on the wire: a bridge
    // port forwards the host's frames as they are. It must not stay the broadcast address
    // FdNetDevice starts with.
    std::uint8_t b[6];
    ns3::Mac48Address::ConvertFrom(port->GetAddress()).CopyTo(b);
    b[5] = 0x03;
    ns3::Mac48Address own;
    own.CopyFrom(b);
    tap->SetAddress(own);

    ns3::NetDeviceContainer ports;
    ports.Add(port);
    ports.Add(tap);
    ns3::BridgeHelper bridge;
    bridge.Install(world.GetNode(node), ports);
    return std::nullopt;
}

} // namespace cmslab::emulate
