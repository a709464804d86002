// A tiny classic-pcap writer for the ICE tests: Ethernet, IPv4 and UDP around each
// payload with valid checksums, so that tshark judges only the payload.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <cstdio>
#include <string>

namespace cmslab::ice::test {

class PcapWriter {
  public:
    explicit PcapWriter(const std::string& path) : m_file(std::fopen(path.c_str(), "wb")) {
        ByteWriter w;
        w.U32(0xa1b2c3d4);
        w.U16(2);
        w.U16(4);
        w.U32(0);
        w.U32(0);
        w.U32(65535);
        w.U32(1); // Ethernet
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
        const auto udp_len = static_cast<std::uint16_t>(8 + payload.size);
        ByteWriter ip;
        ip.U32(0x45000000u | static_cast<std::uint16_t>(20 + udp_len));
        ip.U32(static_cast<std::uint32_t>(++m_id) << 16);
        ip.U32(0x40110000); // TTL 64, UDP, checksum filled below
        ip.Append(ByteView(from.address.bytes.data(), 4));
        ip.Append(ByteView(to.address.bytes.data(), 4));
        ip.PatchU16(10, Fold(Sum(ip.Buffer())));
        ByteWriter udp;
        udp.U16(from.port);
        udp.U16(to.port);
        udp.U16(udp_len);
        udp.U16(0);
        udp.Append(payload);
        const std::uint32_t pseudo = Sum(ByteView(ip.Buffer().data() + 12, 8)) + 17 + udp_len;
        const std::uint16_t sum = Fold(pseudo + Sum(udp.Buffer()));
        udp.PatchU16(6, sum == 0 ? 0xFFFF : sum);
        ByteWriter rec;
        const std::size_t frame = 14 + ip.Size() + udp.Size();
        rec.U32(1495238400u + m_id); // 2017-05-20, a second apart
        rec.U32(0);
        rec.U32(static_cast<std::uint32_t>(frame));
        rec.U32(static_cast<std::uint32_t>(frame));
        rec.U32(0x02000000); // destination MAC 02:00:00:00:00:02
        rec.U16(0x0002);
        rec.U32(0x02000000); // source MAC 02:00:00:00:00:01
        rec.U16(0x0001);
        rec.U16(0x0800);
        Write(rec.Buffer());
        Write(ip.Buffer());
        Write(udp.Buffer());
    }

  private:
    static std::uint32_t Sum(ByteView b) {
        std::uint32_t s = 0;
        for (std::size_t i = 0; i < b.size; i += 2)
            s += static_cast<std::uint32_t>(b[i] << 8) | (i + 1 < b.size ? b[i + 1] : 0);
        return s;
    }
    static std::uint16_t Fold(std::uint32_t s) {
        while (s >> 16)
            s = (s & 0xFFFF) + (s >> 16);
        return static_cast<std::uint16_t>(~s);
    }
    void Write(ByteView b) {
        if (m_file)
            std::fwrite(b.data, 1, b.size, m_file);
    }

    std::FILE* m_file;
    std::uint16_t m_id = 0;
};

} // namespace cmslab::ice::test
