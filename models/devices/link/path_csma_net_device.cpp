#include "link/path_csma_net_device.h"

#include "ns3/drop-tail-queue.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/simulator.h"

namespace cmslab::link {

NS_OBJECT_ENSURE_REGISTERED(PathCsmaNetDevice);

ns3::TypeId PathCsmaNetDevice::GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId("cmslab::PathCsmaNetDevice")
                                 .SetParent<ns3::CsmaNetDevice>()
                                 .SetGroupName("Csma")
                                 .AddConstructor<PathCsmaNetDevice>();
    return tid;
}

PathCsmaNetDevice::PathCsmaNetDevice() = default;

void PathCsmaNetDevice::SetPath(PathSettings settings, Rng rng) {
    m_path =
        settings.Impaired() ? std::make_unique<PathImpairment>(settings, std::move(rng)) : nullptr;
}

bool PathCsmaNetDevice::Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest,
                             std::uint16_t protocol) {
    return SendFrom(packet, GetAddress(), dest, protocol);
}

bool PathCsmaNetDevice::SendFrom(ns3::Ptr<ns3::Packet> packet, const ns3::Address& source,
                                 const ns3::Address& dest, std::uint16_t protocol) {
    if (!m_path)
        return ns3::CsmaNetDevice::SendFrom(packet, source, dest, protocol);
    const Instant now{ns3::Simulator::Now().GetNanoSeconds()};
    const auto departure = m_path->Departure(now);
    if (!departure)
        return true; // lost on the way: the sender cannot tell
    ns3::Simulator::Schedule(ns3::NanoSeconds((*departure - now).count()),
                             &PathCsmaNetDevice::Depart, this, packet, source, dest, protocol);
    return true;
}

void PathCsmaNetDevice::Depart(ns3::Ptr<ns3::Packet> packet, ns3::Address source, ns3::Address dest,
                               std::uint16_t protocol) {
    ns3::CsmaNetDevice::SendFrom(packet, source, dest, protocol);
}

ns3::Ptr<PathCsmaNetDevice> InstallPathDevice(ns3::Ptr<ns3::Node> node,
                                              ns3::Ptr<ns3::CsmaChannel> channel) {
    auto device = ns3::CreateObject<PathCsmaNetDevice>();
    device->SetAddress(ns3::Mac48Address::Allocate());
    node->AddDevice(device);
    // 1000 frames, a Linux interface's default txqueuelen, instead of ns-3's 100: no queue
    // disc stands in front of the device (nothing installs one), and the path's delay stage
    // hands the device each burst as it was sent. A crowd whose media clocks happen to tick
    // together (guests arriving at a fixed interval) sends hundreds of frames in the same
    // instant; a real host or firewall queues them, and at 1 Gbit/s they leave within a
    // millisecond.
    auto queue = ns3::CreateObject<ns3::DropTailQueue<ns3::Packet>>();
    queue->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, kDeviceQueueFrames));
    device->SetQueue(queue);
    device->Attach(channel);
    auto interface = ns3::CreateObject<ns3::NetDeviceQueueInterface>();
    interface->GetTxQueue(0)->ConnectQueueTraces(queue);
    device->AggregateObject(interface);
    return device;
}

} // namespace cmslab::link
