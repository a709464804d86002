#include "support/pcap_writer.h"

#include <algorithm>
#include <fstream>

namespace cmslab::testkit {

namespace {

constexpr std::size_t kMss = 1460;

// The pcap file and record headers are in the writer's byte order: little-endian here.
void Le32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void Le16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}

std::uint32_t PseudoHeaderSum(std::uint32_t src, std::uint32_t dst, std::uint8_t proto,
                              std::size_t length) {
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto +
           static_cast<std::uint32_t>(length);
}

Bytes Ipv4(std::uint32_t src, std::uint32_t dst, std::uint8_t proto, const Bytes& l4) {
    static std::uint16_t id = 1;
    ByteWriter w;
    w.U8(0x45);
    w.U8(0);
    w.U16(static_cast<std::uint16_t>(20 + l4.size()));
    w.U16(id++);
    w.U16(0x4000); // don't fragment
    w.U8(64);
    w.U8(proto);
    w.U16(0);
    w.U32(src);
    w.U32(dst);
    w.PatchU16(10, InternetChecksum(w.Buffer()));
    w.Append(l4);
    return w.Take();
}

} // namespace

std::uint16_t InternetChecksum(ByteView data, std::uint32_t initial) {
    std::uint64_t sum = initial;
    for (std::size_t i = 0; i + 1 < data.size; i += 2)
        sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
    if (data.size % 2)
        sum += static_cast<std::uint32_t>(data[data.size - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

Bytes Ipv4Udp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
              ByteView payload) {
    ByteWriter w;
    w.U16(sport);
    w.U16(dport);
    w.U16(static_cast<std::uint16_t>(8 + payload.size));
    w.U16(0);
    w.Append(payload);
    std::uint16_t sum = InternetChecksum(w.Buffer(), PseudoHeaderSum(src, dst, 17, w.Size()));
    if (sum == 0)
        sum = 0xffff; // zero means "no checksum" in UDP over IPv4
    w.PatchU16(6, sum);
    return Ipv4(src, dst, 17, w.Buffer());
}

Bytes Ipv4Udp(const Endpoint& from, const Endpoint& to, ByteView payload) {
    return Ipv4Udp(from.address.V4Value(), from.port, to.address.V4Value(), to.port, payload);
}

Bytes Ipv4Tcp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
              std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, ByteView payload) {
    ByteWriter w;
    w.U16(sport);
    w.U16(dport);
    w.U32(seq);
    w.U32(ack);
    w.U8(5 << 4); // 20-byte header
    w.U8(flags);
    w.U16(65535);
    w.U16(0);
    w.U16(0);
    w.Append(payload);
    w.PatchU16(16, InternetChecksum(w.Buffer(), PseudoHeaderSum(src, dst, 6, w.Size())));
    return Ipv4(src, dst, 6, w.Buffer());
}

PcapWriter::PcapWriter(std::uint32_t start_unix)
    : m_usec(static_cast<std::uint64_t>(start_unix) * 1000000) {
    Le32(m_file, 0xa1b2c3d4);
    Le16(m_file, 2);
    Le16(m_file, 4);
    Le32(m_file, 0);     // thiszone
    Le32(m_file, 0);     // sigfigs
    Le32(m_file, 65535); // snaplen
    Le32(m_file, 101);   // LINKTYPE_RAW: packets start with the IP header
}

void PcapWriter::Add(ByteView ip_packet) {
    m_usec += 1000;
    Le32(m_file, static_cast<std::uint32_t>(m_usec / 1000000));
    Le32(m_file, static_cast<std::uint32_t>(m_usec % 1000000));
    Le32(m_file, static_cast<std::uint32_t>(ip_packet.size));
    Le32(m_file, static_cast<std::uint32_t>(ip_packet.size));
    m_file.insert(m_file.end(), ip_packet.begin(), ip_packet.end());
}

bool PcapWriter::WriteFile(const std::string& path) const {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(m_file.data()),
            static_cast<std::streamsize>(m_file.size()));
    return static_cast<bool>(f);
}

TcpFlow::TcpFlow(PcapWriter& pcap, std::uint32_t client, std::uint16_t client_port,
                 std::uint32_t server, std::uint16_t server_port)
    : m_pcap(pcap), m_client(client), m_server(server), m_cport(client_port), m_sport(server_port) {
}

void TcpFlow::Handshake() {
    m_pcap.Add(Ipv4Tcp(m_client, m_cport, m_server, m_sport, m_cseq, 0, kSyn, {}));
    m_pcap.Add(Ipv4Tcp(m_server, m_sport, m_client, m_cport, m_sseq, m_cseq + 1, kSyn | kAck, {}));
    ++m_cseq;
    ++m_sseq;
    m_pcap.Add(Ipv4Tcp(m_client, m_cport, m_server, m_sport, m_cseq, m_sseq, kAck, {}));
}

void TcpFlow::Send(bool from_client, ByteView data) {
    const std::uint32_t src = from_client ? m_client : m_server;
    const std::uint32_t dst = from_client ? m_server : m_client;
    const std::uint16_t sport = from_client ? m_cport : m_sport;
    const std::uint16_t dport = from_client ? m_sport : m_cport;
    std::uint32_t& seq = from_client ? m_cseq : m_sseq;
    std::uint32_t& ack = from_client ? m_sseq : m_cseq;
    for (std::size_t off = 0; off < data.size; off += kMss) {
        const ByteView seg = data.Sub(off, kMss);
        m_pcap.Add(Ipv4Tcp(src, sport, dst, dport, seq, ack, kAck | kPsh, seg));
        seq += static_cast<std::uint32_t>(seg.size);
        m_pcap.Add(Ipv4Tcp(dst, dport, src, sport, ack, seq, kAck, {}));
    }
}

void TcpFlow::Close() {
    m_pcap.Add(Ipv4Tcp(m_client, m_cport, m_server, m_sport, m_cseq, m_sseq, kFin | kAck, {}));
    ++m_cseq;
    m_pcap.Add(Ipv4Tcp(m_server, m_sport, m_client, m_cport, m_sseq, m_cseq, kFin | kAck, {}));
    ++m_sseq;
    m_pcap.Add(Ipv4Tcp(m_client, m_cport, m_server, m_sport, m_cseq, m_sseq, kAck, {}));
}

} // namespace cmslab::testkit
