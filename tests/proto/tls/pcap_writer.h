// A tiny capture writer for the tshark tests: classic pcap, LINKTYPE_RAW (101), one
// IPv4/TCP conversation with a three-way handshake, proper sequence and acknowledgement
// numbers, valid IP and TCP checksums, and a FIN exchange.
#pragma once

#include <cstdint>
#include <string>

#include "common/address.h"
#include "common/bytes.h"

namespace cmslab::testutil {

class PcapWriter {
  public:
    PcapWriter(IpAddress client, std::uint16_t client_port, IpAddress server,
               std::uint16_t server_port, std::uint32_t start_time_unix);

    void Connect();                             // SYN, SYN-ACK, ACK
    void Send(bool from_client, ByteView data); // segments of at most 1448 bytes, each ACKed
    void Close();                               // FIN-ACK each way, final ACK
    const Bytes& File() const { return m_file.Buffer(); }
    bool WriteTo(const std::string& path) const;

  private:
    void Segment(bool from_client, std::uint8_t flags, ByteView payload);

    IpAddress m_client, m_server;
    std::uint16_t m_client_port, m_server_port;
    std::uint32_t m_client_seq = 1000, m_server_seq = 5000;
    std::uint16_t m_ip_id = 1;
    std::uint64_t m_time_us;
    ByteWriter m_file;
};

} // namespace cmslab::testutil
