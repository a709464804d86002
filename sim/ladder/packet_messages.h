// What one captured packet says, in the words of Wireshark's Info column, decoded with
// the lab's own codecs (models/proto: DNS, STUN/TURN, RTP; TLS and DTLS record and
// handshake headers, which are plain bytes until the handshake ends). Only the messages
// a ladder of the join shows come out: pure TCP ACKs, encrypted application data and
// ARP do not.
#pragma once

#include "diagnosis/pcap_reader.h"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace cmslab::ladder {

enum class MessageKind : std::uint8_t { Dns, Tcp, Tls, Http, Turn, Ice, Dtls, Rtp, Icmp };
const char* MessageKindName(MessageKind kind);

struct Message {
    MessageKind kind = MessageKind::Tcp;
    std::string label; // "DNS answer meet.example.com A 203.0.113.156"
    bool error = false;
    std::string error_text; // why it is red: "TLS alert fatal bad_certificate (42)"
    // Pairs a request with its answer to find requests that never got one: "stun:<tid>",
    // "dns:<id>:<name>", "syn:<client>"; with `answers` set on the answer.
    std::string transaction;
    bool answers = false;
    std::uint32_t rtp_ssrc = 0; // RTP only: the stream, for folding
};

// Decodes the packets of one capture in order. TCP payloads are put back into streams
// per direction, so a TLS record split over segments is read where it ends (as
// Wireshark does); a segment that repeats bytes already seen adds nothing.
class CaptureDecoder {
  public:
    std::vector<Message> Decode(const diagnosis::PcapPacket& packet);

  private:
    using Flow = std::tuple<std::string, std::string>;
    struct Stream {
        bool started = false;
        std::uint32_t next_seq = 0;
        std::vector<std::uint8_t> buffer;
        bool encrypted = false; // after ChangeCipherSpec: handshake records are Finished
    };
    std::vector<Message> DecodeTcp(const diagnosis::PcapPacket& packet);
    std::map<Flow, Stream> m_streams;
};

} // namespace cmslab::ladder
