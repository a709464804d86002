// A reader for classic pcap files (not pcapng), enough to find protocol messages in a
// run's captures: Ethernet (with or without FCS) or raw IPv4 link types, IPv4, UDP and
// TCP. Packets are numbered from 1, as Wireshark numbers frames, so a diagnosis can
// name "packet 30 of pcap/public.pcap" and a person finds it there.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::diagnosis {

enum class Transport : std::uint8_t { Other, Udp, Tcp };

struct PcapPacket {
    std::size_t number = 0; // 1-based frame number, whether or not it decoded
    std::int64_t ts_sec = 0;
    std::uint32_t ts_usec = 0;
    Transport transport = Transport::Other; // Other: not IPv4 UDP/TCP (ARP, ICMP, damaged)
    Endpoint src;
    Endpoint dst;
    std::uint8_t tcp_flags = 0; // TCP only
    std::uint32_t tcp_seq = 0;  // TCP only
    // The IPv4 header's identification and protocol, and ICMP's type and code: a packet
    // that a router or the NAT forwards keeps its identification, which is how the
    // ladder (sim/ladder) knows one packet seen on two segments.
    bool ipv4 = false; // the IPv4 header was read (ip_* below are set)
    std::uint16_t ip_id = 0;
    std::uint8_t ip_protocol = 0;
    IpAddress ip_src;
    IpAddress ip_dst;
    std::uint8_t icmp_type = 0; // ip_protocol 1 only
    std::uint8_t icmp_code = 0;
    // The capture kept only the frame's start (its record's length is below the frame's,
    // as a capture with a snap length or the lab's media_headers option writes): the
    // payload is what was kept, shorter than the IP and UDP lengths say.
    bool snapped = false;
    Bytes payload; // the UDP or TCP payload, within the IP total length
};

struct PcapFile {
    std::uint32_t link_type = 0;
    std::vector<PcapPacket> packets;
    // Set when the file ends inside a record or a record header is implausible: the
    // packets before it are kept (a capture cut short still says what happened).
    std::string truncated;
};

// A capture read one packet at a time, so that reading a long call's captures takes the
// memory of one frame. Link types understood: 1 (Ethernet), 101 and 228 (raw IPv4).
// Errors: shorter than the file header, unknown magic, or another link type. Bad records
// never crash: they end the reading (Truncated() says why) or leave a packet undecoded
// (Transport::Other).
class PcapReader {
  public:
    static Expected<PcapReader> OpenFile(const std::string& path);
    // `name` prefixes the errors ("pcap/public.pcap: "); "" for bytes in memory.
    static Expected<PcapReader> Open(std::unique_ptr<std::istream> in, const std::string& name);
    // The next packet; nullopt at the end of the file or at damage.
    std::optional<PcapPacket> Next();
    std::uint32_t LinkType() const { return m_link_type; }
    const std::string& Truncated() const { return m_truncated; }

  private:
    PcapReader() = default;
    std::unique_ptr<std::istream> m_in;
    std::uint32_t m_link_type = 0;
    bool m_swap = false;
    bool m_nanoseconds = false;
    std::size_t m_count = 0;
    std::string m_truncated;
    Bytes m_frame;
};

// The whole capture in memory (through PcapReader).
Expected<PcapFile> ParsePcap(ByteView file);
Expected<PcapFile> ReadPcapFile(const std::string& path);

} // namespace cmslab::diagnosis
