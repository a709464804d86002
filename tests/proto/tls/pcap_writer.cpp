#include "pcap_writer.h"

#include <fstream>

namespace cmslab::testutil {

namespace {

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kPsh = 0x08, kAck = 0x10;

// pcap's own headers are in the writer's byte order; little-endian here.
void Le16(ByteWriter& w, std::uint16_t v) {
    w.U8(static_cast<std::uint8_t>(v));
    w.U8(static_cast<std::uint8_t>(v >> 8));
}
void Le32(ByteWriter& w, std::uint32_t v) {
    Le16(w, static_cast<std::uint16_t>(v));
    Le16(w, static_cast<std::uint16_t>(v >> 16));
}

std::uint32_t SumWords(ByteView data, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < data.size; i += 2)
        sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    if (data.size % 2 == 1)
        sum += static_cast<std::uint32_t>(data[data.size - 1] << 8);
    return sum;
}

std::uint16_t Fold(std::uint32_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

} // namespace

PcapWriter::PcapWriter(IpAddress client, std::uint16_t client_port, IpAddress server,
                       std::uint16_t server_port, std::uint32_t start_time_unix)
    : m_client(client), m_server(server), m_client_port(client_port), m_server_port(server_port),
      m_time_us(static_cast<std::uint64_t>(start_time_unix) * 1000000) {
    Le32(m_file, 0xa1b2c3d4);
    Le16(m_file, 2);
    Le16(m_file, 4);
    Le32(m_file, 0);     // thiszone
    Le32(m_file, 0);     // sigfigs
    Le32(m_file, 65535); // snaplen
    Le32(m_file, 101);   // LINKTYPE_RAW: packets start with the IP header
}

void PcapWriter::Segment(bool from_client, std::uint8_t flags, ByteView payload) {
    const IpAddress& src = from_client ? m_client : m_server;
    const IpAddress& dst = from_client ? m_server : m_client;
    std::uint32_t& seq = from_client ? m_client_seq : m_server_seq;
    const std::uint32_t ack = from_client ? m_server_seq : m_client_seq;

    ByteWriter tcp;
    tcp.U16(from_client ? m_client_port : m_server_port);
    tcp.U16(from_client ? m_server_port : m_client_port);
    tcp.U32(seq);
    tcp.U32((flags & kAck) != 0 ? ack : 0);
    tcp.U8(5 << 4); // 20-byte header
    tcp.U8(flags);
    tcp.U16(65535);
    tcp.U16(0); // checksum, below
    tcp.U16(0);
    tcp.Append(payload);
    ByteWriter pseudo;
    pseudo.Append(ByteView(src.bytes.data(), 4));
    pseudo.Append(ByteView(dst.bytes.data(), 4));
    pseudo.U16(6);
    pseudo.U16(static_cast<std::uint16_t>(tcp.Size()));
    tcp.PatchU16(16, Fold(SumWords(tcp.Buffer(), SumWords(pseudo.Buffer()))));

    ByteWriter ip;
    ip.U8(0x45);
    ip.U8(0);
    ip.U16(static_cast<std::uint16_t>(20 + tcp.Size()));
    ip.U16(m_ip_id++);
    ip.U16(0x4000); // don't fragment
    ip.U8(64);
    ip.U8(6);
    ip.U16(0);
    ip.Append(ByteView(src.bytes.data(), 4));
    ip.Append(ByteView(dst.bytes.data(), 4));
    ip.PatchU16(10, Fold(SumWords(ip.Buffer())));
    ip.Append(tcp.Buffer());

    m_time_us += 1000;
    Le32(m_file, static_cast<std::uint32_t>(m_time_us / 1000000));
    Le32(m_file, static_cast<std::uint32_t>(m_time_us % 1000000));
    Le32(m_file, static_cast<std::uint32_t>(ip.Size()));
    Le32(m_file, static_cast<std::uint32_t>(ip.Size()));
    m_file.Append(ip.Buffer());

    seq += static_cast<std::uint32_t>(payload.size);
    if ((flags & (kSyn | kFin)) != 0)
        ++seq; // SYN and FIN take one sequence number each
}

void PcapWriter::Connect() {
    Segment(true, kSyn, {});
    Segment(false, kSyn | kAck, {});
    Segment(true, kAck, {});
}

void PcapWriter::Send(bool from_client, ByteView data) {
    for (std::size_t at = 0; at < data.size; at += 1448) {
        Segment(from_client, kPsh | kAck, data.Sub(at, 1448));
        Segment(!from_client, kAck, {});
    }
}

void PcapWriter::Close() {
    Segment(true, kFin | kAck, {});
    Segment(false, kFin | kAck, {});
    Segment(true, kAck, {});
}

bool PcapWriter::WriteTo(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(File().data()),
              static_cast<std::streamsize>(File().size()));
    return static_cast<bool>(out);
}

} // namespace cmslab::testutil
