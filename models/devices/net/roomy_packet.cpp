#include "roomy_packet.h"

#include "ns3/header.h"

namespace cmslab::devices::net {

namespace {

// Room before the payload for the UDP, IPv4 and Ethernet headers (8 + 20 + 14, and IPv4
// options) at least, after it for the Ethernet trailer (4).
constexpr std::size_t kHeadRoom = 64;
constexpr std::size_t kTailRoom = 16;

// The payload with room before and after it, added to the empty packet as one header so
// that its buffer is made at its full size at once; the room is taken off again.
class RoomHeader : public ns3::Header {
  public:
    static ns3::TypeId GetTypeId() {
        static const ns3::TypeId tid =
            ns3::TypeId("cmslab::RoomHeader").SetParent<ns3::Header>().SetGroupName("Network");
        return tid;
    }
    RoomHeader(ByteView payload, std::size_t head) : m_payload(payload), m_head(head) {}

    ns3::TypeId GetInstanceTypeId() const override { return GetTypeId(); }
    std::uint32_t GetSerializedSize() const override {
        return static_cast<std::uint32_t>(m_head + m_payload.size + kTailRoom);
    }
    // Only the payload is written: the room is taken off before anything reads it.
    void Serialize(ns3::Buffer::Iterator start) const override {
        start.Next(static_cast<std::uint32_t>(m_head));
        start.Write(m_payload.data, static_cast<std::uint32_t>(m_payload.size));
    }
    std::uint32_t Deserialize(ns3::Buffer::Iterator) override { return 0; } // written only
    void Print(std::ostream& os) const override { os << "room"; }

  private:
    ByteView m_payload;
    std::size_t m_head;
};

} // namespace

ns3::Ptr<ns3::Packet> RoomyPacket(ByteView payload) {
    if (kHeadRoom + payload.size + kTailRoom > kRoomyBufferSize)
        return ns3::Create<ns3::Packet>(payload.data, static_cast<std::uint32_t>(payload.size));
    const std::size_t head = kRoomyBufferSize - kTailRoom - payload.size;
    ns3::Ptr<ns3::Packet> p = ns3::Create<ns3::Packet>();
    p->AddHeader(RoomHeader(payload, head));
    p->RemoveAtStart(static_cast<std::uint32_t>(head));
    p->RemoveAtEnd(static_cast<std::uint32_t>(kTailRoom));
    return p;
}

} // namespace cmslab::devices::net
