#include "ladder/packet_messages.h"

#include "dns/codec.h"
#include "rtp/rtp_packet.h"
#include "stun/channel_data.h"
#include "stun/demux.h"
#include "stun/message.h"
#include "tls/alert.h"

#include <algorithm>

namespace cmslab::ladder {

namespace {

using diagnosis::PcapPacket;
using diagnosis::Transport;

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

const char* HandshakeName(std::uint8_t type) {
    switch (type) {
    case 0:
        return "Hello Request";
    case 1:
        return "Client Hello";
    case 2:
        return "Server Hello";
    case 3:
        return "Hello Verify Request";
    case 4:
        return "New Session Ticket";
    case 8:
        return "Encrypted Extensions";
    case 11:
        return "Certificate";
    case 12:
        return "Server Key Exchange";
    case 13:
        return "Certificate Request";
    case 14:
        return "Server Hello Done";
    case 15:
        return "Certificate Verify";
    case 16:
        return "Client Key Exchange";
    case 20:
        return "Finished";
    default:
        return "Handshake";
    }
}

// printf's %u and %0Nx for the labels written once per media packet of the captures,
// where snprintf's format parsing was most of the cost.
void AppendDecimal(std::string& text, std::uint32_t n) {
    char digits[10];
    std::size_t i = sizeof digits;
    do {
        digits[--i] = char('0' + n % 10);
        n /= 10;
    } while (n != 0);
    text.append(digits + i, sizeof digits - i);
}

void AppendHex(std::string& text, std::uint32_t n, int width) {
    static const char kDigits[] = "0123456789abcdef";
    char digits[8];
    for (int i = width - 1; i >= 0; --i, n >>= 4)
        digits[i] = kDigits[n & 0xF];
    text.append(digits, std::size_t(width));
}

void Join(std::string& text, const std::string& part) {
    text += (text.empty() ? "" : ", ") + part;
}

// A TLS or DTLS alert in clear (before ChangeCipherSpec): red when fatal.
void AddAlert(std::uint8_t level, std::uint8_t description, std::string& label, Message& m) {
    tls::Alert alert{level == 2, description};
    Join(label, "Alert " + alert.ToString());
    if (alert.fatal) {
        m.error = true;
        m.error_text = "TLS alert " + alert.ToString();
    }
}

std::optional<Message> DescribeDns(ByteView payload) {
    auto dns = dns::DecodeMessage(payload);
    if (!dns || dns->questions.empty())
        return std::nullopt;
    const dns::Question& q = dns->questions.front();
    Message m;
    m.kind = MessageKind::Dns;
    m.transaction = "dns:" + std::to_string(dns->header.id) + ":" + q.name;
    if (!dns->header.qr) {
        m.label = "DNS query " + dns::ToString(q.type) + " " + q.name;
        return m;
    }
    m.answers = true;
    m.label = "DNS answer " + q.name;
    const dns::Rcode rcode = dns->FullRcode();
    if (rcode != dns::Rcode::NoError) {
        m.label += " " + dns::ToString(rcode);
        m.error = true;
        m.error_text = "DNS " + dns::ToString(rcode);
        return m;
    }
    if (dns->answers.empty())
        m.label += " (no answer record)";
    for (const dns::ResourceRecord& rr : dns->answers) {
        m.label += " " + dns::ToString(rr.type);
        if (const IpAddress* a = rr.Address())
            m.label += " " + a->ToString();
        else if (const std::string* t = rr.Target())
            m.label += " " + *t;
    }
    return m;
}

std::optional<Message> DescribeDatagram(ByteView payload, int depth, bool to_server);

std::optional<Message> DescribeStun(ByteView payload, int depth, bool to_server) {
    auto stun = stun::Message::Decode(payload);
    if (!stun)
        return std::nullopt;
    const std::uint16_t method = stun->Method();
    // What a TURN Send or Data indication carries is the message that matters: an ICE
    // check, DTLS or RTP between the peers.
    if (stun->IsIndication() && depth < 2) {
        if (auto data = stun->GetData()) {
            if (auto inner = DescribeDatagram(ByteView(*data), depth + 1, false)) {
                inner->label = stun::MethodName(method) + " Indication: " + inner->label;
                return inner;
            }
        }
    }
    Message m;
    // A Binding between the peers (inside the relay, or direct) is an ICE check; sent
    // straight to a STUN/TURN server's port it is a plain STUN Binding (the CMS's TURN
    // probe, a browser asking its server-reflexive address).
    const bool ice = method == stun::method::kBinding && (depth > 0 || !to_server);
    m.kind = ice ? MessageKind::Ice : MessageKind::Turn;
    m.label = std::string(ice                                ? "ICE check "
                          : method == stun::method::kBinding ? "STUN "
                                                             : "TURN ") +
              stun::MethodName(method) + " " + stun::ClassName(stun->MessageClass());
    const auto& id = stun->Id();
    const std::string tid = "stun:" + ToHex(ByteView(id.data(), id.size()));
    if (stun->IsRequest())
        m.transaction = tid;
    if (stun->IsResponse()) {
        m.transaction = tid;
        m.answers = true;
    }
    if (stun->Has(stun::attr::kUseCandidate))
        m.label += " USE-CANDIDATE (nominates the pair)";
    if (auto user = stun->GetUsername(); user && m.kind == MessageKind::Turn)
        m.label += " user " + *user;
    if (auto error = stun->GetErrorCode()) {
        m.label += " " + std::to_string(error->code) + " " + error->reason;
        // The first 401 carrying REALM and NONCE is TURN's challenge (RFC 8656 section
        // 7.2), which every successful allocation goes through: not a fault.
        const bool challenge = error->code == 401 && stun->GetNonce() && stun->GetRealm();
        if (challenge) {
            m.label += " (challenge)";
        } else {
            m.error = true;
            m.error_text = "STUN/TURN error " + std::to_string(error->code) + " " + error->reason;
        }
    }
    return m;
}

std::optional<Message> DescribeDtls(ByteView payload) {
    Message m;
    m.kind = MessageKind::Dtls;
    std::string label;
    std::size_t at = 0;
    while (payload.size - at >= 13) {
        const std::uint8_t type = payload[at];
        const std::uint16_t epoch = std::uint16_t(payload[at + 3] << 8 | payload[at + 4]);
        const std::size_t length = std::size_t(payload[at + 11]) << 8 | payload[at + 12];
        if (payload.size - at - 13 < length)
            break;
        ByteView body = payload.Sub(at + 13, length);
        if (type == 22)
            Join(label, epoch == 0 && body.size >= 12 ? HandshakeName(body[0])
                                                      : "Encrypted Handshake Message");
        else if (type == 20)
            Join(label, "Change Cipher Spec");
        else if (type == 21 && epoch == 0 && body.size >= 2)
            AddAlert(body[0], body[1], label, m);
        else if (type == 21)
            Join(label, "Encrypted Alert");
        else if (type == 23)
            Join(label, "Application Data");
        at += 13 + length;
    }
    if (label.empty())
        return std::nullopt;
    m.label = "DTLS " + label;
    return m;
}

std::optional<Message> DescribeDatagram(ByteView payload, int depth, bool to_server) {
    switch (stun::Classify(payload)) {
    case stun::PacketKind::Stun:
        return stun::LooksLikeStun(payload) ? DescribeStun(payload, depth, to_server)
                                            : std::nullopt;
    case stun::PacketKind::ChannelData: {
        auto channel = stun::ReadChannelData(payload);
        if (!channel || depth >= 2)
            return std::nullopt;
        auto inner = DescribeDatagram(channel->data, depth + 1, false);
        if (inner) {
            std::string hex;
            AppendHex(hex, channel->channel, 4);
            char prefix[] = "ChannelData 0x....: ";
            std::copy(hex.begin(), hex.end(), prefix + 14);
            inner->label.insert(0, prefix, sizeof prefix - 1);
        }
        return inner;
    }
    case stun::PacketKind::Dtls:
        return DescribeDtls(payload);
    case stun::PacketKind::Rtp: {
        if (rtp::IsRtcp(payload))
            return std::nullopt;
        auto packet = rtp::ReadRtp(payload);
        if (!packet)
            return std::nullopt;
        Message m;
        m.kind = MessageKind::Rtp;
        m.rtp_ssrc = packet->ssrc;
        // One label per media packet of the captures ("RTP PT=111 SSRC=0x1a2b3c4d
        // Seq=17"), with room for the ChannelData prefix a relayed packet's label gets.
        m.label.reserve(96);
        m.label = "RTP PT=";
        AppendDecimal(m.label, packet->payload_type);
        m.label += " SSRC=0x";
        AppendHex(m.label, packet->ssrc, 8);
        m.label += " Seq=";
        AppendDecimal(m.label, packet->sequence);
        return m;
    }
    default:
        return std::nullopt;
    }
}

// STUN and TURN's ports (RFC 8489 section 18.6), where a Binding is not an ICE check.
bool ToServer(const PcapPacket& p) {
    auto server = [](std::uint16_t port) { return port == 3478 || port == 5349; };
    return server(p.src.port) || server(p.dst.port);
}

std::string IcmpText(std::uint8_t type, std::uint8_t code) {
    static const char* const unreachable[] = {"network unreachable", "host unreachable",
                                              "protocol unreachable", "port unreachable"};
    if (type == 3)
        return std::string("ICMP Destination unreachable (") +
               (code < 4 ? unreachable[code] : ("code " + std::to_string(code)).c_str()) + ")";
    if (type == 11)
        return "ICMP Time exceeded";
    return "";
}

} // namespace

const char* MessageKindName(MessageKind kind) {
    switch (kind) {
    case MessageKind::Dns:
        return "dns";
    case MessageKind::Tcp:
        return "tcp";
    case MessageKind::Tls:
        return "tls";
    case MessageKind::Http:
        return "http";
    case MessageKind::Turn:
        return "turn";
    case MessageKind::Ice:
        return "ice";
    case MessageKind::Dtls:
        return "dtls";
    case MessageKind::Rtp:
        return "rtp";
    case MessageKind::Icmp:
        return "icmp";
    }
    return "?";
}

std::vector<Message> CaptureDecoder::Decode(const PcapPacket& packet) {
    std::vector<Message> out;
    if (packet.ipv4 && packet.ip_protocol == 1) {
        const std::string text = IcmpText(packet.icmp_type, packet.icmp_code);
        if (!text.empty()) {
            Message m;
            m.kind = MessageKind::Icmp;
            m.label = text;
            m.error = true;
            m.error_text = text;
            out.push_back(m);
        }
        return out;
    }
    if (packet.transport == Transport::Tcp)
        return DecodeTcp(packet);
    if (packet.transport != Transport::Udp || packet.payload.empty())
        return out;
    ByteView payload(packet.payload);
    std::optional<Message> m;
    if (packet.src.port == 53 || packet.dst.port == 53)
        m = DescribeDns(payload);
    else
        m = DescribeDatagram(payload, 0, ToServer(packet));
    if (m)
        out.push_back(std::move(*m));
    return out;
}

std::vector<Message> CaptureDecoder::DecodeTcp(const PcapPacket& packet) {
    std::vector<Message> out;
    const std::string here = packet.src.ToString(), there = packet.dst.ToString();
    const std::uint8_t flags = packet.tcp_flags;
    if (flags & kSyn) {
        Message m;
        m.kind = MessageKind::Tcp;
        const bool ack = flags & kAck;
        m.label = ack ? "TCP SYN, ACK" : "TCP SYN";
        m.transaction = ack ? "syn:" + there + ">" + here : "syn:" + here + ">" + there;
        m.answers = ack;
        out.push_back(m);
        m_streams[{here, there}] = Stream{true, packet.tcp_seq + 1, {}, false};
        return out;
    }
    if (flags & kRst) {
        Message m;
        m.kind = MessageKind::Tcp;
        m.label = "TCP RST";
        m.error = true;
        m.error_text = "TCP reset";
        // A reset answers a SYN: the port is closed.
        m.transaction = "syn:" + there + ">" + here;
        m.answers = true;
        out.push_back(m);
        return out;
    }
    (void)kFin;
    if (packet.payload.empty())
        return out;
    Stream& s = m_streams[{here, there}];
    const std::uint32_t len = std::uint32_t(packet.payload.size());
    if (!s.started) {
        s.started = true;
        s.next_seq = packet.tcp_seq;
    }
    const std::uint32_t offset = s.next_seq - packet.tcp_seq; // bytes already seen
    if (std::int32_t(offset) < 0) {
        // A gap (a segment the capture missed): start again at this segment.
        s.buffer.clear();
        s.next_seq = packet.tcp_seq;
    } else if (offset >= len) {
        return out; // a retransmission of bytes already read
    }
    const std::uint32_t skip = s.next_seq - packet.tcp_seq;
    s.buffer.insert(s.buffer.end(), packet.payload.begin() + skip, packet.payload.end());
    s.next_seq = packet.tcp_seq + len;

    ByteView bytes(s.buffer);
    if (packet.src.port == 53 || packet.dst.port == 53) {
        // DNS over TCP: a two-byte length before each message.
        std::size_t at = 0;
        while (bytes.size - at >= 2) {
            const std::size_t n = std::size_t(bytes[at]) << 8 | bytes[at + 1];
            if (bytes.size - at - 2 < n)
                break;
            if (auto m = DescribeDns(bytes.Sub(at + 2, n)))
                out.push_back(std::move(*m));
            at += 2 + n;
        }
        s.buffer.erase(s.buffer.begin(), s.buffer.begin() + std::ptrdiff_t(at));
        return out;
    }
    if (stun::LooksLikeStun(bytes.Sub(0, std::min<std::size_t>(bytes.size, stun::kHeaderSize)))) {
        // TURN over TCP: STUN messages back to back (ChannelData is not read here).
        const std::size_t n = stun::kHeaderSize + (std::size_t(bytes[2]) << 8 | bytes[3]);
        if (bytes.size >= n) {
            if (auto m = DescribeStun(bytes.Sub(0, n), 0, ToServer(packet)))
                out.push_back(std::move(*m));
            s.buffer.erase(s.buffer.begin(), s.buffer.begin() + std::ptrdiff_t(n));
        }
        return out;
    }
    // TLS records: type 20-23, version 3.x.
    Message m;
    m.kind = MessageKind::Tls;
    std::string label;
    std::size_t at = 0;
    while (bytes.size - at >= 5) {
        const std::uint8_t type = bytes[at];
        if (type < 20 || type > 23 || bytes[at + 1] != 3) {
            at = bytes.size; // not TLS, or lost alignment: drop what is buffered
            break;
        }
        const std::size_t length = std::size_t(bytes[at + 3]) << 8 | bytes[at + 4];
        if (bytes.size - at - 5 < length)
            break;
        ByteView body = bytes.Sub(at + 5, length);
        if (type == 22 && s.encrypted) {
            Join(label, "Encrypted Handshake Message");
        } else if (type == 22) {
            for (std::size_t h = 0; h + 4 <= body.size;) {
                Join(label, HandshakeName(body[h]));
                h += 4 +
                     (std::size_t(body[h + 1]) << 16 | std::size_t(body[h + 2]) << 8 | body[h + 3]);
            }
        } else if (type == 20) {
            Join(label, "Change Cipher Spec");
            s.encrypted = true;
        } else if (type == 21 && !s.encrypted && body.size >= 2) {
            AddAlert(body[0], body[1], label, m);
        } else if (type == 21) {
            Join(label, "Encrypted Alert");
        }
        at += 5 + length;
    }
    s.buffer.erase(s.buffer.begin(), s.buffer.begin() + std::ptrdiff_t(at));
    if (!label.empty()) {
        m.label = "TLS " + label;
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace cmslab::ladder
