#include "diagnosis/pcap_reader.h"

#include <fstream>
#include <sstream>

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
// it cannot read. Bytes after the IP total length (Ethernet padding, FCS) are ignored. A
// frame the capture kept only the start of (packet.snapped) has lengths that run past
// what was kept: its payload is what there is.
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
    if (header < 20 || total < header || (total > ip.size && !packet.snapped) || header > ip.size)
        return;
    if (total > ip.size)
        total = std::uint16_t(ip.size);
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
        if (!t.Ok() || length < 8 || (length > l4.size && !packet.snapped))
            return;
        if (length > l4.size)
            length = std::uint16_t(l4.size);
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

Expected<PcapReader> PcapReader::Open(std::unique_ptr<std::istream> in, const std::string& name) {
    std::uint8_t header[24];
    in->read(reinterpret_cast<char*>(header), sizeof header);
    const auto got = static_cast<std::size_t>(in->gcount());
    if (got < sizeof header)
        return Error{name + "not a pcap file: " + std::to_string(got) +
                     " bytes, shorter than the header"};
    const std::uint32_t magic = Get32(header, false);
    PcapReader reader;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
        reader.m_nanoseconds = magic == 0xa1b23c4d;
    } else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
        reader.m_swap = true;
        reader.m_nanoseconds = magic == 0x4d3cb2a1;
    } else if (magic == 0x0a0d0d0a) {
        return Error{name + "a pcapng file: only classic pcap is read"};
    } else {
        return Error{name + "not a pcap file (magic " + ToHex(ByteView(header, 4)) + ")"};
    }
    reader.m_link_type = Get32(header + 20, reader.m_swap) & 0x0fffffff;
    if (reader.m_link_type != kLinkEthernet && reader.m_link_type != kLinkRaw &&
        reader.m_link_type != kLinkIpv4)
        return Error{name + "link type " + std::to_string(reader.m_link_type) +
                     " is not read (Ethernet or raw IPv4 only)"};
    reader.m_in = std::move(in);
    return reader;
}

Expected<PcapReader> PcapReader::OpenFile(const std::string& path) {
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in)
        return Error{"cannot read " + path};
    return Open(std::move(in), path + ": ");
}

std::optional<PcapPacket> PcapReader::Next() {
    if (!m_in || !m_truncated.empty())
        return std::nullopt;
    std::uint8_t h[16];
    m_in->read(reinterpret_cast<char*>(h), sizeof h);
    const auto got = static_cast<std::size_t>(m_in->gcount());
    if (got == 0)
        return std::nullopt;
    if (got < sizeof h) {
        m_truncated = "the file ends inside the header of packet " + std::to_string(m_count + 1);
        return std::nullopt;
    }
    const std::uint32_t caplen = Get32(h + 8, m_swap);
    const std::uint32_t origlen = Get32(h + 12, m_swap);
    if (caplen > kMaxRecord) {
        m_truncated = "packet " + std::to_string(m_count + 1) + " claims " +
                      std::to_string(caplen) + " bytes: the rest of the file is not read";
        return std::nullopt;
    }
    m_frame.resize(caplen);
    m_in->read(reinterpret_cast<char*>(m_frame.data()), std::streamsize(caplen));
    if (static_cast<std::size_t>(m_in->gcount()) < caplen) {
        m_truncated = "the file ends inside packet " + std::to_string(m_count + 1);
        return std::nullopt;
    }
    PcapPacket packet;
    packet.number = ++m_count;
    packet.ts_sec = Get32(h, m_swap);
    const std::uint32_t frac = Get32(h + 4, m_swap);
    packet.ts_usec = m_nanoseconds ? frac / 1000 : frac;
    packet.snapped = caplen < origlen;
    DecodeFrame(m_link_type, ByteView(m_frame), packet);
    return packet;
}

namespace {

// Every packet of an opened capture, in memory.
Expected<PcapFile> ReadWhole(Expected<PcapReader> reader) {
    if (!reader)
        return Error{reader.Message()};
    PcapFile out;
    out.link_type = reader->LinkType();
    while (auto packet = reader->Next())
        out.packets.push_back(std::move(*packet));
    out.truncated = reader->Truncated();
    return out;
}

} // namespace

Expected<PcapFile> ParsePcap(ByteView file) {
    return ReadWhole(PcapReader::Open(std::make_unique<std::istringstream>(std::string(
                                          reinterpret_cast<const char*>(file.data), file.size)),
                                      ""));
}

Expected<PcapFile> ReadPcapFile(const std::string& path) {
    return ReadWhole(PcapReader::OpenFile(path));
}

} // namespace cmslab::diagnosis
