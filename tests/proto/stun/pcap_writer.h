// A minimal classic-pcap writer for tests: Ethernet + IPv4 + UDP around a payload, with
// valid IPv4 and UDP checksums, so that tshark judges only what is inside.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <cstdio>
#include <string>

namespace cmslab::stun::test {

class PcapWriter {
  public:
    explicit PcapWriter(const std::string& path) : m_file(std::fopen(path.c_str(), "wb")) {
        if (!m_file)
            return;
        ByteWriter w;
        w.U32(0xa1b2c3d4); // written big-endian: readers detect the byte order from it
        w.U16(2);
        w.U16(4);
        w.U32(0);
        w.U32(0);
        w.U32(65535);
        w.U32(1); // LINKTYPE_ETHERNET
        Write(w.Buffer());
    }
    ~PcapWriter() {
        if (m_file)
            std::fclose(m_file);
    }
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;

    bool Ok() const { return m_file != nullptr; }

    void AddUdp(const Endpoint& from, const Endpoint& to, ByteView payload) {
        const std::size_t udp_len = 8 + payload.size;
        const std::size_t ip_len = 20 + udp_len;
        ByteWriter ip;
        ip.U8(0x45);
        ip.U8(0);
        ip.U16(static_cast<std::uint16_t>(ip_len));
        ip.U16(static_cast<std::uint16_t>(++m_ip_id));
        ip.U16(0x4000); // don't fragment
        ip.U8(64);
        ip.U8(17);
        ip.U16(0);
        ip.Append(ByteView(from.address.bytes.data(), 4));
        ip.Append(ByteView(to.address.bytes.data(), 4));
        ip.PatchU16(10, Checksum(ip.Buffer(), 0));

        ByteWriter udp;
        udp.U16(from.port);
        udp.U16(to.port);
        udp.U16(static_cast<std::uint16_t>(udp_len));
        udp.U16(0);
        udp.Append(payload);
        ByteWriter pseudo;
        pseudo.Append(ByteView(from.address.bytes.data(), 4));
        pseudo.Append(ByteView(to.address.bytes.data(), 4));
        pseudo.U8(0);
        pseudo.U8(17);
        pseudo.U16(static_cast<std::uint16_t>(udp_len));
        std::uint16_t sum = Checksum(udp.Buffer(), Sum(pseudo.Buffer()));
        if (sum == 0)
            sum = 0xFFFF;
        udp.PatchU16(6, sum);

        ByteWriter frame;
        const std::uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
        const std::uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
        frame.Append(ByteView(dst_mac, 6));
        frame.Append(ByteView(src_mac, 6));
        frame.U16(0x0800);
        frame.Append(ip.Buffer());
        frame.Append(udp.Buffer());

        ByteWriter record;
        record.U32(static_cast<std::uint32_t>(1495238400 + m_count)); // 2017-05-20, 1 s apart
        record.U32(0);
        record.U32(static_cast<std::uint32_t>(frame.Size()));
        record.U32(static_cast<std::uint32_t>(frame.Size()));
        Write(record.Buffer());
        Write(frame.Buffer());
        ++m_count;
    }

  private:
    static std::uint32_t Sum(ByteView b) {
        std::uint32_t s = 0;
        for (std::size_t i = 0; i + 1 < b.size; i += 2)
            s += static_cast<std::uint32_t>((b[i] << 8) | b[i + 1]);
        if (b.size % 2)
            s += static_cast<std::uint32_t>(b[b.size - 1] << 8);
        return s;
    }
    static std::uint16_t Checksum(ByteView b, std::uint32_t initial) {
        std::uint32_t s = initial + Sum(b);
        while (s >> 16)
            s = (s & 0xFFFF) + (s >> 16);
        return static_cast<std::uint16_t>(~s);
    }
    void Write(ByteView b) {
        if (m_file)
            std::fwrite(b.data, 1, b.size, m_file);
    }

    std::FILE* m_file;
    int m_count = 0;
    std::uint16_t m_ip_id = 0;
};

} // namespace cmslab::stun::test
