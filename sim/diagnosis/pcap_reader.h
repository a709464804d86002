// A reader for classic pcap files (not pcapng), enough to find protocol messages in a
// run's captures: Ethernet (with or without FCS) or raw IPv4 link types, IPv4, UDP and
// TCP. Packets are numbered from 1, as Wireshark numbers frames, so a diagnosis can
// name "packet 30 of pcap/public.pcap" and a person finds it there.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>
#include <functional>
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
    Bytes payload; // the UDP or TCP payload, within the IP total length
};

struct PcapFile {
    std::uint32_t link_type = 0;
    std::vector<PcapPacket> packets;
    // Set when the file ends inside a record or a record header is implausible: the
    // packets before it are kept (a capture cut short still says what happened).
    std::string truncated;
};

// Link types understood: 1 (Ethernet), 101 and 228 (raw IPv4). Errors: shorter than the
// file header, unknown magic, or another link type. Bad records never crash: they end
// the reading (truncated) or leave a packet undecoded (Transport::Other).
Expected<PcapFile> ParsePcap(ByteView file);
Expected<PcapFile> ReadPcapFile(const std::string& path);
// The packets of a capture one at a time, without holding the file or its packets: what
// a crowd's captures of hundreds of megabytes need. Returns what ParsePcap would put in
// `truncated` ("" for a whole file).
Expected<std::string> ScanPcapFile(const std::string& path,
                                   const std::function<void(const PcapPacket&)>& each);

} // namespace cmslab::diagnosis
