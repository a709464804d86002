// Test-only: a minimal pcap writer (LINKTYPE_RAW: each frame is an IPv4 packet) with
// correct IPv4 and UDP checksums, so that tshark can judge what our encoder produced.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <cstdint>
#include <fstream>
#include <string>

namespace cmslab::dns::testing {

inline std::uint16_t InternetChecksum(const Bytes& data, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < data.size(); i += 2)
        sum += (std::uint32_t{data[i]} << 8) | data[i + 1];
    if (data.size() % 2)
        sum += std::uint32_t{data.back()} << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

class PcapWriter {
  public:
    explicit PcapWriter(const std::string& path) : m_out(path, std::ios::binary) {
        ByteWriter w;
        for (std::uint32_t v : {0xa1b2c3d4u}) // written big-endian: readers detect the order
            w.U32(v);
        w.U16(2); // version 2.4
        w.U16(4);
        w.U32(0); // thiszone
        w.U32(0); // sigfigs
        w.U32(65535);
        w.U32(101); // LINKTYPE_RAW
        Write(w.Buffer());
    }

    bool Ok() const { return m_out.good(); }

    // `bad_udp_checksum` writes a wrong checksum on purpose: the control that shows the
    // judge really checks.
    void Udp(std::uint32_t usec, const Endpoint& from, const Endpoint& to, const Bytes& payload,
             bool bad_udp_checksum = false) {
        const std::uint16_t udp_length = static_cast<std::uint16_t>(8 + payload.size());
        ByteWriter udp;
        udp.U16(from.port);
        udp.U16(to.port);
        udp.U16(udp_length);
        udp.U16(0);
        udp.Append(payload);
        // Pseudo-header: source, destination, zero, protocol 17, UDP length.
        Bytes pseudo(from.address.bytes.begin(), from.address.bytes.begin() + 4);
        pseudo.insert(pseudo.end(), to.address.bytes.begin(), to.address.bytes.begin() + 4);
        pseudo.insert(pseudo.end(), {0, 17, static_cast<std::uint8_t>(udp_length >> 8),
                                     static_cast<std::uint8_t>(udp_length)});
        pseudo.insert(pseudo.end(), udp.Buffer().begin(), udp.Buffer().end());
        std::uint16_t udp_sum = InternetChecksum(pseudo);
        if (udp_sum == 0)
            udp_sum = 0xffff; // zero means "no checksum" in UDP over IPv4
        udp.PatchU16(6, bad_udp_checksum ? static_cast<std::uint16_t>(udp_sum ^ 0x0101) : udp_sum);

        ByteWriter ip;
        ip.U8(0x45);
        ip.U8(0);
        ip.U16(static_cast<std::uint16_t>(20 + udp.Size()));
        ip.U16(++m_ip_id);
        ip.U16(0x4000); // DF
        ip.U8(64);
        ip.U8(17);
        ip.U16(0);
        ip.Append(ByteView(from.address.bytes.data(), 4));
        ip.Append(ByteView(to.address.bytes.data(), 4));
        ip.PatchU16(10, InternetChecksum(ip.Buffer()));
        ip.Append(udp.Buffer());

        ByteWriter rec;
        rec.U32(usec / 1000000);
        rec.U32(usec % 1000000);
        rec.U32(static_cast<std::uint32_t>(ip.Size()));
        rec.U32(static_cast<std::uint32_t>(ip.Size()));
        rec.Append(ip.Buffer());
        Write(rec.Buffer());
    }

  private:
    void Write(const Bytes& b) {
        m_out.write(reinterpret_cast<const char*>(b.data()),
                    static_cast<std::streamsize>(b.size()));
        m_out.flush();
    }

    std::ofstream m_out;
    std::uint16_t m_ip_id = 0;
};

} // namespace cmslab::dns::testing
