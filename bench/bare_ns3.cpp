// The lab's media traffic on bare ns-3: the yardstick of cmslab_run_bench.
//
// The same four CSMA segments as the reference deployment (1 Gbit/s; 0.5, 0.2, 2 and
// 0.5 ms), the same boxes on them in the same order (idle hosts included: every frame on
// a CSMA segment reaches each device on it), the same routers with static routes, one
// promiscuous pcap per segment on the device the lab captures on, and for each guest the
// media a relayed WebRTC call carries: one 20 ms UDP packet each way, along the path the
// lab's media takes (guest LAN -> guest router -> public -> edge firewall -> DMZ ->
// Expressway-E, whose guest's relay sends it to the CMS's relay through the firewall and
// back, and out its inside NIC to the CMS on the internal segment; and back). Per packet
// that is one frame on the guest LAN, the public segment and the internal segment, and
// three on the DMZ, as in the lab's captures.
//
// Only ns-3 here, no lab code. What stands in for the lab's boxes:
// - the Expressway-E's TURN server: a UDP relay, a TURN port on each side and two relay
//   sockets per guest (the guest's allocation and the CMS's);
// - the edge firewall: a plain router with static routes, no NAT (the Expressway-E owns
//   the public address the lab's static NAT translates; the hop count is the same);
// - the segment delays: a CSMA device that holds each frame for the segment's delay
//   before it goes on the wire, as the lab's devices do (ns-3's CsmaChannel delay keeps
//   the medium busy for the whole delay, which would carry a few hundred frames a second).
// All guests' sockets are on one node, as the lab's crowd puts all its browsers on the
// guest's node; the CMS node holds one socket per guest, as the CMS holds one media
// session per guest.
//
// One run per process: ns-3's simulator is global, and peak memory is per process.
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/resource.h>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;

// --- what the lab's reference deployment and its media are ---------------------------

constexpr std::uint64_t kSegmentBitsPerSecond = 1000000000; // the lab's default bandwidth
constexpr double kMediaIntervalS = 0.020;                   // one Opus frame per 20 ms
constexpr double kArrivalIntervalS = 0.1;                   // the lab's crowd: one per 0.1 s
constexpr double kFirstMediaAtS = 1.0;
constexpr double kLingerS = 2; // after its media, as the lab's crowd keeps a guest
// UDP payloads as the lab's pcaps show them for a guest's relayed media: SRTP (12-byte RTP
// header, 60 bytes of Opus, 10-byte tag), in a 4-byte TURN ChannelData header between a
// client (the guest, the CMS) and its TURN server, bare between the two relays.
constexpr std::uint32_t kPeerPayload = 82;
constexpr std::uint32_t kChannelDataPayload = kPeerPayload + 4;

// --- a CSMA device with the lab's per-frame path delay -------------------------------

class DelayedCsmaDevice : public ns3::CsmaNetDevice {
  public:
    static ns3::TypeId GetTypeId() {
        static ns3::TypeId tid = ns3::TypeId("bench::DelayedCsmaDevice")
                                     .SetParent<ns3::CsmaNetDevice>()
                                     .SetGroupName("Csma")
                                     .AddConstructor<DelayedCsmaDevice>();
        return tid;
    }

    void SetDelay(ns3::Time delay) { m_delay = delay; }

    bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest,
              std::uint16_t protocol) override {
        return SendFrom(packet, GetAddress(), dest, protocol);
    }

    bool SendFrom(ns3::Ptr<ns3::Packet> packet, const ns3::Address& source,
                  const ns3::Address& dest, std::uint16_t protocol) override {
        if (m_delay.IsZero())
            return ns3::CsmaNetDevice::SendFrom(packet, source, dest, protocol);
        ns3::Simulator::Schedule(m_delay, &DelayedCsmaDevice::Depart, this, packet, source, dest,
                                 protocol);
        return true;
    }

  private:
    void Depart(ns3::Ptr<ns3::Packet> packet, ns3::Address source, ns3::Address dest,
                std::uint16_t protocol) {
        ns3::CsmaNetDevice::SendFrom(packet, source, dest, protocol);
    }

    ns3::Time m_delay;
};

// --- the topology ---------------------------------------------------------------------

struct Segment {
    const char* name;
    const char* prefix; // a /24, .0
    double delay_ms;
    ns3::Ptr<ns3::CsmaChannel> channel;
    ns3::Ptr<DelayedCsmaDevice> capture; // the first device attached, as the lab captures
};

struct Interface {
    ns3::Ptr<DelayedCsmaDevice> device;
    std::uint32_t index = 0;
    ns3::Ipv4Address address;
};

ns3::Ipv4Address HostOn(const Segment& segment, std::uint32_t host) {
    return ns3::Ipv4Address(ns3::Ipv4Address(segment.prefix).Get() + host);
}

Interface Attach(ns3::Ptr<ns3::Node> node, Segment& segment, std::uint32_t host, bool forwards) {
    auto device = ns3::CreateObject<DelayedCsmaDevice>();
    device->SetAddress(ns3::Mac48Address::Allocate());
    device->SetDelay(ns3::MicroSeconds(static_cast<std::int64_t>(segment.delay_ms * 1000)));
    node->AddDevice(device);
    auto queue = ns3::CreateObject<ns3::DropTailQueue<ns3::Packet>>();
    device->SetQueue(queue);
    device->Attach(segment.channel);
    auto queue_interface = ns3::CreateObject<ns3::NetDeviceQueueInterface>();
    queue_interface->GetTxQueue(0)->ConnectQueueTraces(queue);
    device->AggregateObject(queue_interface);
    if (!segment.capture)
        segment.capture = device;

    ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
    Interface itf;
    itf.device = device;
    itf.index = ipv4->AddInterface(device);
    itf.address = HostOn(segment, host);
    ipv4->AddAddress(itf.index,
                     ns3::Ipv4InterfaceAddress(itf.address, ns3::Ipv4Mask("255.255.255.0")));
    ipv4->SetForwarding(itf.index, forwards);
    ipv4->SetUp(itf.index);
    return itf;
}

ns3::Ptr<ns3::Ipv4StaticRouting> RoutesOf(ns3::Ptr<ns3::Node> node) {
    ns3::Ipv4StaticRoutingHelper helper;
    return helper.GetStaticRouting(node->GetObject<ns3::Ipv4>());
}

// --- the media ------------------------------------------------------------------------

struct Counters {
    std::uint64_t guest_sent = 0;
    std::uint64_t guest_received = 0;
    std::uint64_t cms_sent = 0;
    std::uint64_t cms_received = 0;
};

ns3::Ptr<ns3::Socket> UdpSocketOn(ns3::Ptr<ns3::Node> node, ns3::Ipv4Address address,
                                  std::uint16_t port) {
    ns3::Ptr<ns3::Socket> socket =
        ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
    if (socket->Bind(ns3::InetSocketAddress(address, port)) != 0) {
        std::cerr << "bare_ns3_bench: cannot bind " << address << ":" << port << "\n";
        std::exit(2);
    }
    return socket;
}

// Every 20 ms from `first` for `count` packets, `bytes` each, to `to`.
void SendMediaPacket(ns3::Ptr<ns3::Socket> socket, ns3::InetSocketAddress to, std::uint32_t bytes,
                     std::uint64_t left, std::uint64_t* sent) {
    socket->SendTo(ns3::Create<ns3::Packet>(bytes), 0, to);
    ++*sent;
    if (left > 1)
        ns3::Simulator::Schedule(ns3::Seconds(kMediaIntervalS), &SendMediaPacket, socket, to, bytes,
                                 left - 1, sent);
}

void CountReceived(std::uint64_t* received, ns3::Ptr<ns3::Socket> socket) {
    while (socket->Recv())
        ++*received;
}

// The Expressway-E's TURN server and relays: a TURN port on each side (the guests talk
// to the public one, the CMS to the inside one), and per guest two relays on the public
// address, the guest's and the CMS's. A datagram from a guest leaves through the guest's
// relay to the CMS's relay (through the firewall and back, as the lab's hairpin NAT
// takes it), and the CMS's relay hands it to the CMS through the inside TURN port; the
// CMS's datagrams take the same way back. Which relay belongs to whom is the sender's
// port, as a TURN server finds an allocation by its 5-tuple.
struct Relays {
    ns3::Ptr<ns3::Socket> public_turn;              // the guests' TURN port
    ns3::Ptr<ns3::Socket> inside_turn;              // the CMS's TURN port
    std::vector<ns3::Ptr<ns3::Socket>> guest_relay; // by guest; null before and after its call
    std::vector<ns3::Ptr<ns3::Socket>> cms_relay;
    ns3::Ipv4Address public_address; // where both relays are
    ns3::Ipv4Address guest_address;
    ns3::Ipv4Address cms_address;
    std::uint64_t relayed = 0;
};

constexpr std::uint16_t kTurnPort = 3478;
constexpr std::uint16_t kClientPortBase = 10000; // guest g's browser and CMS session: + g
constexpr std::uint16_t kRelayPortBase = 24000;  // guest g's relay: + 2g, the CMS's: + 2g + 1

std::uint16_t GuestRelayPort(std::size_t g) {
    return static_cast<std::uint16_t>(kRelayPortBase + 2 * g);
}
std::uint16_t CmsRelayPort(std::size_t g) {
    return static_cast<std::uint16_t>(kRelayPortBase + 2 * g + 1);
}
std::uint16_t ClientPort(std::size_t g) {
    return static_cast<std::uint16_t>(kClientPortBase + g);
}

// The guest (or CMS) whose datagram came in on a TURN port.
bool ClientOf(const ns3::Address& from, std::size_t guests, std::size_t* g) {
    const std::uint16_t port = ns3::InetSocketAddress::ConvertFrom(from).GetPort();
    if (port < kClientPortBase || std::size_t(port - kClientPortBase) >= guests)
        return false;
    *g = std::size_t(port - kClientPortBase);
    return true;
}

// ChannelData from a guest: its relay sends the data to the CMS's relay.
void FromGuest(Relays* r, ns3::Ptr<ns3::Socket> socket) {
    ns3::Address from;
    while (socket->RecvFrom(from)) {
        std::size_t g = 0;
        if (!ClientOf(from, r->guest_relay.size(), &g) || !r->guest_relay[g])
            continue;
        r->guest_relay[g]->SendTo(ns3::Create<ns3::Packet>(kPeerPayload), 0,
                                  ns3::InetSocketAddress(r->public_address, CmsRelayPort(g)));
        ++r->relayed;
    }
}

// ChannelData from the CMS: its relay sends the data to the guest's relay.
void FromCms(Relays* r, ns3::Ptr<ns3::Socket> socket) {
    ns3::Address from;
    while (socket->RecvFrom(from)) {
        std::size_t g = 0;
        if (!ClientOf(from, r->cms_relay.size(), &g) || !r->cms_relay[g])
            continue;
        r->cms_relay[g]->SendTo(ns3::Create<ns3::Packet>(kPeerPayload), 0,
                                ns3::InetSocketAddress(r->public_address, GuestRelayPort(g)));
        ++r->relayed;
    }
}

// The guest's relay heard from the CMS's: ChannelData to the guest.
void AtGuestRelay(Relays* r, std::size_t g, ns3::Ptr<ns3::Socket> socket) {
    while (socket->Recv())
        r->public_turn->SendTo(ns3::Create<ns3::Packet>(kChannelDataPayload), 0,
                               ns3::InetSocketAddress(r->guest_address, ClientPort(g)));
}

// The CMS's relay heard from the guest's: ChannelData to the CMS.
void AtCmsRelay(Relays* r, std::size_t g, ns3::Ptr<ns3::Socket> socket) {
    while (socket->Recv())
        r->inside_turn->SendTo(ns3::Create<ns3::Packet>(kChannelDataPayload), 0,
                               ns3::InetSocketAddress(r->cms_address, ClientPort(g)));
}

// --- one guest's call ------------------------------------------------------------------

struct Call {
    Relays* relays = nullptr;
    Counters* counters = nullptr;
    ns3::Ptr<ns3::Node> guest_pc, cms, vcse;
    ns3::Ipv4Address inside_turn_address;
    std::uint64_t packets_each_way = 0;
    double media_s = 0;
};

void EndCall(Call* call, std::size_t g, ns3::Ptr<ns3::Socket> browser,
             ns3::Ptr<ns3::Socket> session) {
    for (ns3::Ptr<ns3::Socket>* socket :
         {&browser, &session, &call->relays->guest_relay[g], &call->relays->cms_relay[g]}) {
        (*socket)->Close();
        *socket = nullptr;
    }
}

// Guest g's sockets exist from its arrival to a little after its media, as the lab's
// browser, relays and CMS session do (the lab's crowd lets a guest go 2 s after it is
// done): the sockets on a node at a time, which ns-3 scans for each datagram, are the
// guests in the call, not every guest of the run.
void StartCall(Call* call, std::size_t g) {
    Relays& r = *call->relays;
    ns3::Ptr<ns3::Socket> browser = UdpSocketOn(call->guest_pc, r.guest_address, ClientPort(g));
    ns3::Ptr<ns3::Socket> session = UdpSocketOn(call->cms, r.cms_address, ClientPort(g));
    r.guest_relay[g] = UdpSocketOn(call->vcse, r.public_address, GuestRelayPort(g));
    r.cms_relay[g] = UdpSocketOn(call->vcse, r.public_address, CmsRelayPort(g));
    r.guest_relay[g]->SetRecvCallback(ns3::MakeBoundCallback(&AtGuestRelay, &r, g));
    r.cms_relay[g]->SetRecvCallback(ns3::MakeBoundCallback(&AtCmsRelay, &r, g));
    browser->SetRecvCallback(
        ns3::MakeBoundCallback(&CountReceived, &call->counters->guest_received));
    session->SetRecvCallback(ns3::MakeBoundCallback(&CountReceived, &call->counters->cms_received));
    SendMediaPacket(browser, ns3::InetSocketAddress(r.public_address, kTurnPort),
                    kChannelDataPayload, call->packets_each_way, &call->counters->guest_sent);
    SendMediaPacket(session, ns3::InetSocketAddress(call->inside_turn_address, kTurnPort),
                    kChannelDataPayload, call->packets_each_way, &call->counters->cms_sent);
    ns3::Simulator::Schedule(ns3::Seconds(call->media_s + kLingerS), &EndCall, call, g, browser,
                             session);
}

// --- the run --------------------------------------------------------------------------

// Records in a classic pcap file: the file header is 24 bytes, each record has a
// 16-byte header whose third word is the captured length (in the writer's byte order,
// this machine's).
std::uint64_t CountFrames(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char header[24];
    if (!in.read(header, sizeof(header)))
        return 0;
    std::uint64_t records = 0;
    std::uint32_t record[4];
    while (in.read(reinterpret_cast<char*>(record), sizeof(record))) {
        in.ignore(record[2]); // read on, not seek: a seek per record is a system call
        ++records;
    }
    return records;
}

void Usage(std::ostream& os) {
    os << "usage: bare_ns3_bench [--guests N] [--media SECONDS] [--out DIR] [--json]\n\n"
          "The lab's relayed media for N guests (default 1), SECONDS each (default 30), on\n"
          "bare ns-3: the reference deployment's four CSMA segments, routers and one pcap\n"
          "per segment, a UDP relay for the Expressway-E's TURN server. Prints wall time,\n"
          "frames captured (all segments) per wall second and peak resident memory;\n"
          "--json prints one JSON object instead. Pcaps go to DIR/pcap (default: a\n"
          "directory under the system's temporary directory).\n";
}

bool ParseNumber(const std::string& text, double low, double high, double* out) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(v > low) || v > high)
        return false;
    *out = v;
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t guests = 1;
    double media_s = 30;
    std::string out_dir;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            Usage(std::cout);
            return 0;
        }
        if (a == "--json") {
            json = true;
            continue;
        }
        if (a == "--guests" || a == "--media" || a == "--out") {
            if (i + 1 >= argc) {
                std::cerr << "bare_ns3_bench: " << a << " needs a value\n";
                return 2;
            }
            const std::string value = argv[++i];
            double v = 0;
            if (a == "--out") {
                out_dir = value;
            } else if (a == "--media") {
                if (!ParseNumber(value, 0, 86400, &media_s)) {
                    std::cerr << "bare_ns3_bench: --media takes seconds (0 to 86400], not '"
                              << value << "'\n";
                    return 2;
                }
            } else if (value.find_first_not_of("0123456789") != std::string::npos ||
                       !ParseNumber(value, 0, 20000, &v)) {
                std::cerr << "bare_ns3_bench: --guests takes a whole number from 1 to 20000 "
                             "(two relay ports each), not '"
                          << value << "'\n";
                return 2;
            } else {
                guests = static_cast<std::size_t>(v);
            }
            continue;
        }
        std::cerr << "bare_ns3_bench: unknown argument '" << a << "'\n";
        Usage(std::cerr);
        return 2;
    }
    if (out_dir.empty())
        out_dir = (fs::temp_directory_path() / "bare-ns3-bench").string();
    std::error_code ec;
    fs::create_directories(fs::path(out_dir) / "pcap", ec);
    if (ec) {
        std::cerr << "bare_ns3_bench: cannot create " << out_dir << "/pcap: " << ec.message()
                  << "\n";
        return 2;
    }

    const auto start = std::chrono::steady_clock::now();

    // As the lab: real checksums, the binary heap event queue, static routing, no IPv6.
    ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));
    ns3::GlobalValue::Bind("SchedulerType", ns3::StringValue("ns3::PriorityQueueScheduler"));
    ns3::InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    ns3::Ipv4StaticRoutingHelper static_routing;
    stack.SetRoutingHelper(static_routing);

    std::vector<Segment> segments = {{"internal", "10.1.1.0", 0.5, nullptr, nullptr},
                                     {"dmz", "10.1.2.0", 0.2, nullptr, nullptr},
                                     {"public", "10.1.3.0", 2, nullptr, nullptr},
                                     {"guest", "10.1.4.0", 0.5, nullptr, nullptr}};
    Segment& internal = segments[0];
    Segment& dmz = segments[1];
    Segment& pub = segments[2];
    Segment& guest_lan = segments[3];
    for (Segment& s : segments) {
        s.channel = ns3::CreateObject<ns3::CsmaChannel>();
        s.channel->SetAttribute("DataRate",
                                ns3::DataRateValue(ns3::DataRate(kSegmentBitsPerSecond)));
        s.channel->SetAttribute("Delay", ns3::TimeValue(ns3::Seconds(0)));
    }

    // The reference deployment's boxes, in its order (the first on a segment captures it).
    auto make_node = [&stack] {
        ns3::Ptr<ns3::Node> n = ns3::CreateObject<ns3::Node>();
        stack.Install(n);
        return n;
    };
    ns3::Ptr<ns3::Node> edge_fw = make_node();
    ns3::Ptr<ns3::Node> guest_router = make_node();
    ns3::Ptr<ns3::Node> ad_dns = make_node();
    ns3::Ptr<ns3::Node> ext_dns = make_node();
    ns3::Ptr<ns3::Node> cms = make_node();
    ns3::Ptr<ns3::Node> vcsc = make_node();
    ns3::Ptr<ns3::Node> vcse = make_node();
    ns3::Ptr<ns3::Node> guest_pc = make_node();
    ns3::Ptr<ns3::Node> admin_pc = make_node();

    const Interface fw_inside = Attach(edge_fw, internal, 1, true);
    const Interface fw_dmz = Attach(edge_fw, dmz, 1, true);
    const Interface fw_outside = Attach(edge_fw, pub, 1, true);
    const Interface router_lan = Attach(guest_router, guest_lan, 1, true);
    const Interface router_public = Attach(guest_router, pub, 2, true);
    const Interface ad_dns_itf = Attach(ad_dns, internal, 162, false);
    const Interface ext_dns_itf = Attach(ext_dns, pub, 210, false);
    const Interface cms_itf = Attach(cms, internal, 180, false);
    const Interface vcsc_itf = Attach(vcsc, internal, 167, false);
    const Interface vcse_lan1 = Attach(vcse, internal, 168, false);
    const Interface vcse_lan2 = Attach(vcse, dmz, 61, false);
    const Interface guest_itf = Attach(guest_pc, guest_lan, 124, false);
    const Interface admin_itf = Attach(admin_pc, internal, 50, false);

    const ns3::Ipv4Mask mask24("255.255.255.0");
    RoutesOf(edge_fw)->AddNetworkRouteTo(ns3::Ipv4Address(guest_lan.prefix), mask24,
                                         router_public.address, fw_outside.index);
    // The lab's guest router reaches the firewall's public (NAT) address on its segment;
    // without NAT the DMZ is one more route to the same next hop.
    RoutesOf(guest_router)->SetDefaultRoute(fw_outside.address, router_public.index);
    for (const auto& [node, itf, gateway] :
         {std::tuple{ad_dns, ad_dns_itf, fw_inside}, std::tuple{ext_dns, ext_dns_itf, fw_outside},
          std::tuple{cms, cms_itf, fw_inside}, std::tuple{vcsc, vcsc_itf, fw_inside},
          std::tuple{vcse, vcse_lan2, fw_dmz}, std::tuple{guest_pc, guest_itf, router_lan},
          std::tuple{admin_pc, admin_itf, fw_inside}})
        RoutesOf(node)->SetDefaultRoute(gateway.address, itf.index);
    RoutesOf(ext_dns)->AddNetworkRouteTo(ns3::Ipv4Address(guest_lan.prefix), mask24,
                                         router_public.address, ext_dns_itf.index);

    // What CsmaHelper::EnablePcap does for a promiscuous capture, with the files kept here
    // so that they are closed (flushed) before they are counted.
    ns3::PcapHelper pcap;
    std::vector<ns3::Ptr<ns3::PcapFileWrapper>> pcap_files;
    for (const Segment& s : segments) {
        pcap_files.push_back(
            pcap.CreateFile((fs::path(out_dir) / "pcap" / (std::string(s.name) + ".pcap")).string(),
                            std::ios::out, ns3::PcapHelper::DLT_EN10MB));
        pcap.HookDefaultSink<ns3::CsmaNetDevice>(s.capture, "PromiscSniffer", pcap_files.back());
    }

    // The Expressway-E's public address, where its relays are. The lab's firewall
    // translates it to the Expressway-E's DMZ address (static NAT, with reflection for the
    // relay-to-relay hairpin); here the Expressway-E owns it, the firewall routes it to
    // the Expressway-E, and the Expressway-E itself sends it to the firewall (as its
    // default route), so the same frames cross the same segments without translation.
    // (Not on the public segment: nobody would answer ARP for it there.)
    const ns3::Ipv4Address public_address("10.1.5.1");
    {
        ns3::Ptr<ns3::Ipv4> ipv4 = vcse->GetObject<ns3::Ipv4>();
        ipv4->AddAddress(0, ns3::Ipv4InterfaceAddress(public_address, ns3::Ipv4Mask::GetOnes()));
        ns3::Ptr<ns3::Ipv4StaticRouting> routes = RoutesOf(vcse);
        for (std::uint32_t i = routes->GetNRoutes(); i-- > 0;) {
            if (routes->GetRoute(i).GetDest() == public_address)
                routes->RemoveRoute(i);
        }
        RoutesOf(edge_fw)->AddHostRouteTo(public_address, vcse_lan2.address, fw_dmz.index);
    }

    // Each guest: a socket on the guest's PC and one on the CMS (its media session), and
    // two relays on the Expressway-E; the TURN ports are shared.
    Relays relays;
    relays.public_address = public_address;
    relays.guest_address = guest_itf.address;
    relays.cms_address = cms_itf.address;
    relays.public_turn = UdpSocketOn(vcse, public_address, kTurnPort);
    relays.inside_turn = UdpSocketOn(vcse, vcse_lan1.address, kTurnPort);
    relays.public_turn->SetRecvCallback(ns3::MakeBoundCallback(&FromGuest, &relays));
    relays.inside_turn->SetRecvCallback(ns3::MakeBoundCallback(&FromCms, &relays));
    Counters counters;
    relays.guest_relay.resize(guests);
    relays.cms_relay.resize(guests);
    Call call;
    call.relays = &relays;
    call.counters = &counters;
    call.guest_pc = guest_pc;
    call.cms = cms;
    call.vcse = vcse;
    call.inside_turn_address = vcse_lan1.address;
    call.packets_each_way = static_cast<std::uint64_t>(std::llround(media_s / kMediaIntervalS));
    call.media_s = media_s;
    double last_end_s = 0;
    for (std::size_t g = 0; g < guests; ++g) {
        // Arrivals 0.1 s apart are whole multiples of the 20 ms packet interval: without a
        // phase of its own, every guest's packet would leave in the same instant, a burst
        // that overflows the devices' queues. The lab's guests start their media when their
        // join is done, at no common phase; here the phases step by the golden ratio of
        // the interval, spread evenly.
        const double phase_s =
            std::fmod(static_cast<double>(g) * 0.6180339887, 1.0) * kMediaIntervalS;
        const double at_s = kFirstMediaAtS + static_cast<double>(g) * kArrivalIntervalS + phase_s;
        ns3::Simulator::Schedule(ns3::Seconds(at_s), &StartCall, &call, g);
        last_end_s = at_s + media_s + kLingerS;
    }
    const double simulated_s = last_end_s + 1;
    ns3::Simulator::Stop(ns3::Seconds(simulated_s));
    ns3::Simulator::Run();
    for (const auto& file : pcap_files)
        file->Close();
    ns3::Simulator::Destroy();

    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Before the captures are counted: that reading is the benchmark's, not the run's.
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::uint64_t frames = 0;
    std::vector<std::uint64_t> per_segment;
    for (const Segment& s : segments) {
        per_segment.push_back(
            CountFrames(fs::path(out_dir) / "pcap" / (std::string(s.name) + ".pcap")));
        frames += per_segment.back();
    }
    const double peak_mib = usage.ru_maxrss / 1024.0;
    // The process's CPU time (the whole process, start-up included): on a loaded machine
    // it moves less than the wall time.
    const double cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;

    // Media packets as the lab counts them: sent and received by the guests.
    if (json) {
        std::printf("{\"program\": \"bare_ns3_bench\", \"guests\": %zu, \"media_s\": %g, "
                    "\"simulated_s\": %.1f, \"wall_s\": %.3f, \"cpu_s\": %.3f, \"frames\": %llu, "
                    "\"frames_per_wall_s\": %.0f, \"media_sent\": %llu, \"media_received\": %llu, "
                    "\"peak_mib\": %.1f, \"segments\": {",
                    guests, media_s, simulated_s, wall_s, cpu_s,
                    static_cast<unsigned long long>(frames), frames / wall_s,
                    static_cast<unsigned long long>(counters.guest_sent),
                    static_cast<unsigned long long>(counters.guest_received), peak_mib);
        for (std::size_t i = 0; i < segments.size(); ++i)
            std::printf("%s\"%s\": %llu", i ? ", " : "", segments[i].name,
                        static_cast<unsigned long long>(per_segment[i]));
        std::printf("}}\n");
        return 0;
    }
    std::printf("guests              %zu (media %g s each, one every %g s)\n", guests, media_s,
                kArrivalIntervalS);
    std::printf("simulated           %.1f s\n", simulated_s);
    std::printf("media packets       guests %llu sent, %llu received; CMS %llu sent, %llu "
                "received; relayed %llu\n",
                static_cast<unsigned long long>(counters.guest_sent),
                static_cast<unsigned long long>(counters.guest_received),
                static_cast<unsigned long long>(counters.cms_sent),
                static_cast<unsigned long long>(counters.cms_received),
                static_cast<unsigned long long>(relays.relayed));
    std::printf("wall time           %.2f s (CPU %.2f s)\n", wall_s, cpu_s);
    std::printf("captured frames     %llu (%.0f per wall second, all segments)\n",
                static_cast<unsigned long long>(frames), frames / wall_s);
    for (std::size_t i = 0; i < segments.size(); ++i)
        std::printf("  %-17s %llu\n", segments[i].name,
                    static_cast<unsigned long long>(per_segment[i]));
    std::printf("peak memory (RSS)   %.1f MiB\n", peak_mib);
    return 0;
}
