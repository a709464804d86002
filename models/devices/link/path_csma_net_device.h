// A CSMA device with a network path in front of it: each frame it sends waits the path's
// delay and jitter (or is lost) before it enters the segment, and the segment itself has
// no propagation delay. ns-3's CsmaChannel keeps the medium busy for a frame's whole
// propagation delay, so a channel delay of 150 ms would carry about seven frames a second;
// here the medium is busy only for the frame's transmission time, and a long path carries
// a whole call. Include only from ns-3 adapter code.
#pragma once

#include "link/path_impairment.h"

#include "ns3/csma-channel.h"
#include "ns3/csma-net-device.h"
#include "ns3/node.h"

#include <memory>

namespace cmslab::link {

class PathCsmaNetDevice : public ns3::CsmaNetDevice {
  public:
    static ns3::TypeId GetTypeId();
    PathCsmaNetDevice();

    // Before the first frame; without it (or with an unimpaired path) frames go at once.
    void SetPath(PathSettings settings, Rng rng);
    const PathImpairment* Path() const { return m_path.get(); }

    bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest,
              std::uint16_t protocol) override;
    bool SendFrom(ns3::Ptr<ns3::Packet> packet, const ns3::Address& source,
                  const ns3::Address& dest, std::uint16_t protocol) override;

  private:
    void Depart(ns3::Ptr<ns3::Packet> packet, ns3::Address source, ns3::Address dest,
                std::uint16_t protocol);

    std::unique_ptr<PathImpairment> m_path;
};

// Frames a device's transmit queue holds before it drops (path_csma_net_device.cpp says why).
constexpr std::uint32_t kDeviceQueueFrames = 1000;

// A PathCsmaNetDevice on `node`, attached to `channel`, with a drop-tail queue of
// kDeviceQueueFrames and the queue interface ns-3's traffic control expects (as CsmaHelper
// installs its devices).
ns3::Ptr<PathCsmaNetDevice> InstallPathDevice(ns3::Ptr<ns3::Node> node,
                                              ns3::Ptr<ns3::CsmaChannel> channel);

} // namespace cmslab::link
