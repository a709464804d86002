// A tiny pcap writer for tests: raw IPv4 packets (LINKTYPE_RAW) with TCP or UDP and
// valid checksums, so that tshark can judge what our encoders put on the wire.
#pragma once

#include "common/bytes.h"

#include <cstdint>
#include <string>

namespace cmslab::testing {

std::uint16_t InternetChecksum(ByteView data, std::uint32_t initial = 0);

// IPv4 addresses in host order (0xC0000201 is 192.0.2.1).
Bytes Ipv4Udp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
              ByteView payload);

enum TcpFlags : std::uint8_t { kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10 };
Bytes Ipv4Tcp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
              std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, ByteView payload);

class PcapWriter {
  public:
    PcapWriter();
    // Timestamps advance by 1 ms per packet: only their order matters here.
    void Add(ByteView ip_packet);
    bool WriteFile(const std::string& path) const;

  private:
    Bytes m_file;
    std::uint32_t m_usec = 0;
};

// One TCP connection written into a pcap: handshake, data both ways (split into
// MSS-sized segments, each acknowledged), orderly close.
class TcpFlow {
  public:
    TcpFlow(PcapWriter& pcap, std::uint32_t client, std::uint16_t client_port, std::uint32_t server,
            std::uint16_t server_port);
    void Handshake();
    void ClientSends(ByteView data);
    void ServerSends(ByteView data);
    void Close(); // FIN from the client, FIN from the server, last ACK

  private:
    void Send(bool from_client, ByteView data);

    PcapWriter& m_pcap;
    std::uint32_t m_client, m_server;
    std::uint16_t m_cport, m_sport;
    std::uint32_t m_cseq = 1000, m_sseq = 5000;
};

} // namespace cmslab::testing
