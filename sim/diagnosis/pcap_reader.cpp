#include "diagnosis/pcap_reader.h"

#include <fstream>
#include <iterator>

namespace cmslab::diagnosis {

namespace {

constexpr std::uint32_t kLinkEthernet = 1;
constexpr std::uint32_t kLinkRaw = 101;
constexpr std::uint32_t kLinkIpv4 = 228;
// No capture of the lab comes near this; a larger record length means a damaged file.
constexpr std::uint32_t kMaxRecord = 256 * 1024;

std::uint32_t Get32(const std::uint8_t* p, bool swap) {
    if (swap)
        return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 |
               p[3];
    return std::uint32_t(p[3]) << 24 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[1]) << 8 | p[0];
}

// Fills transport, endpoints and payload from an IPv4 packet; leaves Other on anything
// it cannot read. Bytes after the IP total length (Ethernet padding, FCS) are ignored.
void DecodeIpv4(ByteView ip, PcapPacket& packet) {
    ByteReader r(ip);
    std::uint8_t version_ihl = 0, tos = 0, ttl = 0, protocol = 0;
    std::uint16_t total = 0, id = 0, frag = 0, checksum = 0;
    std::uint32_t src = 0, dst = 0;
    r.U8(version_ihl);
    r.U8(tos);
    r.U16(total);
    r.U16(id);
    r.U16(frag);
    r.U8(ttl);
    r.U8(protocol);
    r.U16(checksum);
    r.U32(src);
    r.U32(dst);
    if (!r.Ok() || (version_ihl >> 4) != 4)
        return;
    const std::size_t header = std::size_t(version_ihl & 0x0f) * 4;
    if (header < 20 || total < header || total > ip.size)
        return;
    // A non-first fragment carries no transport header.
    if ((frag & 0x1fff) != 0)
        return;
    packet.ipv4 = true;
    packet.ip_id = id;
    packet.ip_protocol = protocol;
    packet.ip_src = IpAddress::V4(src);
    packet.ip_dst = IpAddress::V4(dst);
    ByteView l4 = ip.Sub(header, total - header);
    if (protocol == 1 && l4.size >= 2) {
        packet.icmp_type = l4[0];
        packet.icmp_code = l4[1];
        return;
    }
    ByteReader t(l4);
    std::uint16_t sport = 0, dport = 0;
    t.U16(sport);
    t.U16(dport);
    if (!t.Ok())
        return;
    if (protocol == 17) {
        std::uint16_t length = 0;
        t.U16(length);
        if (!t.Ok() || length < 8 || length > l4.size)
            return;
        packet.transport = Transport::Udp;
        packet.payload = l4.Sub(8, length - 8u).ToBytes();
    } else if (protocol == 6) {
        std::uint32_t seq = 0, ack = 0;
        std::uint8_t offset = 0, flags = 0;
        t.U32(seq);
        t.U32(ack);
        t.U8(offset);
        t.U8(flags);
        const std::size_t tcp_header = std::size_t(offset >> 4) * 4;
        if (!t.Ok() || tcp_header < 20 || tcp_header > l4.size)
            return;
        packet.transport = Transport::Tcp;
        packet.tcp_flags = flags;
        packet.tcp_seq = seq;
        packet.payload = l4.Sub(tcp_header).ToBytes();
    } else {
        return;
    }
    packet.src = Endpoint{IpAddress::V4(src), sport};
    packet.dst = Endpoint{IpAddress::V4(dst), dport};
}

void DecodeFrame(std::uint32_t link_type, ByteView frame, PcapPacket& packet) {
    if (link_type != kLinkEthernet) {
        DecodeIpv4(frame, packet);
        return;
    }
    ByteReader r(frame);
    std::uint16_t ethertype = 0;
    r.Skip(12);
    r.U16(ethertype);
    // One 802.1Q tag at most: no lab segment uses VLANs, but a person's capture might.
    if (r.Ok() && ethertype == 0x8100) {
        r.Skip(2);
        r.U16(ethertype);
    }
    if (r.Ok() && ethertype == 0x0800)
        DecodeIpv4(r.Rest(), packet);
}

} // namespace

namespace {

struct PcapHeader {
    std::uint32_t link_type = 0;
    bool swap = false;
    bool nanoseconds = false;
};

// The 24-byte file header: byte order, timestamp resolution, link type.
Expected<PcapHeader> ReadPcapHeader(ByteView file) {
    if (file.size < 24)
        return Error{"not a pcap file: " + std::to_string(file.size) +
                     " bytes, shorter than the header"};
    const std::uint32_t magic = Get32(file.data, false);
    PcapHeader h;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
        h.nanoseconds = magic == 0xa1b23c4d;
    } else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
        h.swap = true;
        h.nanoseconds = magic == 0x4d3cb2a1;
    } else if (magic == 0x0a0d0d0a) {
        return Error{"a pcapng file: only classic pcap is read"};
    } else {
        return Error{"not a pcap file (magic " + ToHex(file.Sub(0, 4)) + ")"};
    }
    h.link_type = Get32(file.data + 20, h.swap) & 0x0fffffff;
    if (h.link_type != kLinkEthernet && h.link_type != kLinkRaw && h.link_type != kLinkIpv4)
        return Error{"link type " + std::to_string(h.link_type) +
                     " is not read (Ethernet or raw IPv4 only)"};
    return h;
}

// One record: its 16-byte header and `frame`, numbered `number`.
PcapPacket DecodeRecord(const PcapHeader& file, const std::uint8_t* h, ByteView frame,
                        std::size_t number) {
    PcapPacket packet;
    packet.number = number;
    packet.ts_sec = Get32(h, file.swap);
    const std::uint32_t frac = Get32(h + 4, file.swap);
    packet.ts_usec = file.nanoseconds ? frac / 1000 : frac;
    DecodeFrame(file.link_type, frame, packet);
    return packet;
}

std::string TooLong(std::size_t number, std::uint32_t caplen) {
    return "packet " + std::to_string(number) + " claims " + std::to_string(caplen) +
           " bytes: the rest of the file is not read";
}

} // namespace

Expected<PcapFile> ParsePcap(ByteView file) {
    auto header = ReadPcapHeader(file);
    if (!header)
        return header.Err();
    PcapFile out;
    out.link_type = header->link_type;
    std::size_t offset = 24;
    std::size_t number = 0;
    while (offset < file.size) {
        if (file.size - offset < 16) {
            out.truncated =
                "the file ends inside the header of packet " + std::to_string(number + 1);
            break;
        }
        const std::uint8_t* h = file.data + offset;
        const std::uint32_t caplen = Get32(h + 8, header->swap);
        if (caplen > kMaxRecord) {
            out.truncated = TooLong(number + 1, caplen);
            break;
        }
        if (file.size - offset - 16 < caplen) {
            out.truncated = "the file ends inside packet " + std::to_string(number + 1);
            break;
        }
        out.packets.push_back(DecodeRecord(*header, h, file.Sub(offset + 16, caplen), ++number));
        offset += 16 + std::size_t(caplen);
    }
    return out;
}

Expected<PcapFile> ReadPcapFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"cannot read " + path};
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = ParsePcap(bytes);
    if (!parsed)
        return Error{path + ": " + parsed.Message()};
    return parsed;
}

Expected<std::string> ScanPcapFile(const std::string& path,
                                   const std::function<void(const PcapPacket&)>& each) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"cannot read " + path};
    std::uint8_t first[24];
    in.read(reinterpret_cast<char*>(first), sizeof first);
    auto header = ReadPcapHeader(ByteView(first, static_cast<std::size_t>(in.gcount())));
    if (!header)
        return Error{path + ": " + header.Message()};
    Bytes frame;
    std::size_t number = 0;
    for (;;) {
        std::uint8_t h[16];
        in.read(reinterpret_cast<char*>(h), sizeof h);
        if (in.gcount() == 0)
            return std::string();
        if (in.gcount() < 16)
            return "the file ends inside the header of packet " + std::to_string(number + 1);
        const std::uint32_t caplen = Get32(h + 8, header->swap);
        if (caplen > kMaxRecord)
            return TooLong(number + 1, caplen);
        frame.resize(caplen);
        in.read(reinterpret_cast<char*>(frame.data()), caplen);
        if (static_cast<std::size_t>(in.gcount()) < caplen)
            return "the file ends inside packet " + std::to_string(number + 1);
        each(DecodeRecord(*header, h, ByteView(frame), ++number));
    }
}

} // namespace cmslab::diagnosis
