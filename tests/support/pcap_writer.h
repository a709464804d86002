// A small pcap writer for tests: raw IPv4 packets (LINKTYPE_RAW) carrying UDP or TCP with
// valid checksums, so that tshark judges only what our encoders put inside.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <cstdint>
#include <string>

namespace cmslab::testkit {

// RFC 1071 one's-complement sum of `data` added to `initial`, folded and inverted.
std::uint16_t InternetChecksum(ByteView data, std::uint32_t initial = 0);

// IPv4 addresses in host order (0xC0000201 is 192.0.2.1).
Bytes Ipv4Udp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
              ByteView payload);
Bytes Ipv4Udp(const Endpoint& from, const Endpoint& to, ByteView payload); // IPv4 only

enum TcpFlags : std::uint8_t { kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10 };
Bytes Ipv4Tcp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
              std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, ByteView payload);

class PcapWriter {
  public:
    // Timestamps start at `start_unix` seconds and advance by 1 ms per packet: only their
    // order matters to the tests.
    explicit PcapWriter(std::uint32_t start_unix = 0);
    void Add(ByteView ip_packet);
    // The clock moves on by `usec` without a packet (a gap in the capture).
    void Wait(std::uint64_t usec) { m_usec += usec; }
    const Bytes& File() const { return m_file; }
    bool WriteFile(const std::string& path) const;

  private:
    Bytes m_file;
    std::uint64_t m_usec;
};

// One TCP connection written into a pcap: handshake, data both ways (split into
// MSS-sized segments, each acknowledged), orderly close.
class TcpFlow {
  public:
    TcpFlow(PcapWriter& pcap, std::uint32_t client, std::uint16_t client_port, std::uint32_t server,
            std::uint16_t server_port);
    void Handshake(); // SYN, SYN-ACK, ACK
    void Send(bool from_client, ByteView data);
    void ClientSends(ByteView data) { Send(true, data); }
    void ServerSends(ByteView data) { Send(false, data); }
    void Close(); // FIN from the client, FIN from the server, last ACK

  private:
    PcapWriter& m_pcap;
    std::uint32_t m_client, m_server;
    std::uint16_t m_cport, m_sport;
    std::uint32_t m_cseq = 1000, m_sseq = 5000;
};

} // namespace cmslab::testkit
