#include "diagnosis/rtp_scan.h"

#include "rtp/rtp_packet.h"
#include "stun/channel_data.h"
#include "stun/constants.h"
#include "stun/demux.h"
#include "stun/message.h"

namespace cmslab::diagnosis {

namespace {

// One datagram (or one framed message of a TCP stream): RTP, or what carries it. TURN
// does not nest, but a relayed ChannelData can carry the peer's own ChannelData when a
// client relays through two servers; two levels are followed, as the ladder does.
void CollectRtpFrom(ByteView bytes, int depth, const PcapPacket& p, std::vector<RtpSighting>& out) {
    switch (stun::Classify(bytes)) {
    case stun::PacketKind::Rtp: {
        if (rtp::IsRtcp(bytes))
            return;
        auto packet = rtp::ReadRtp(bytes);
        if (!packet)
            return;
        RtpSighting s;
        s.number = p.number;
        s.time_us = p.ts_sec * 1000000 + p.ts_usec;
        s.ssrc = packet->ssrc;
        s.sequence = packet->sequence;
        out.push_back(s);
        return;
    }
    case stun::PacketKind::ChannelData: {
        if (depth >= 2)
            return;
        if (auto channel = stun::ReadChannelData(bytes))
            CollectRtpFrom(channel->data, depth + 1, p, out);
        else if (p.snapped && bytes.size > 4)
            // A capture that kept the headers only: the length runs past what was kept.
            CollectRtpFrom(bytes.Sub(4), depth + 1, p, out);
        return;
    }
    case stun::PacketKind::Stun: {
        if (depth >= 2 || !stun::LooksLikeStun(bytes))
            return;
        auto message = stun::Message::Decode(bytes);
        if (!message || message->MessageClass() != stun::Class::Indication)
            return;
        if (auto data = message->GetData())
            CollectRtpFrom(ByteView(*data), depth + 1, p, out);
        return;
    }
    case stun::PacketKind::Zrtp:
    case stun::PacketKind::Dtls:
    case stun::PacketKind::Other:
        return;
    }
}

// The length of the framed message at the start of a TCP payload (STUN: header and body;
// ChannelData: header and data padded to four bytes, as RFC 8656 section 12.5 asks on
// TCP), or 0 when the payload does not start with one.
std::size_t FramedLength(ByteView bytes) {
    if (bytes.size < 4)
        return 0;
    const std::size_t length = std::size_t(bytes[2]) << 8 | bytes[3];
    switch (stun::Classify(bytes)) {
    case stun::PacketKind::Stun:
        return stun::kHeaderSize + length;
    case stun::PacketKind::ChannelData:
        return 4 + ((length + 3) & ~std::size_t(3));
    case stun::PacketKind::Zrtp:
    case stun::PacketKind::Dtls:
    case stun::PacketKind::Rtp:
    case stun::PacketKind::Other:
        return 0;
    }
    return 0;
}

} // namespace

void CollectRtp(const PcapPacket& p, std::vector<RtpSighting>& out) {
    if (p.transport == Transport::Other || p.payload.empty())
        return;
    ByteView bytes(p.payload);
    if (p.transport == Transport::Udp) {
        CollectRtpFrom(bytes, 0, p, out);
        return;
    }
    // TCP: messages back to back from the segment's start; one split across segments
    // ends the reading of this segment (the next segment does not start with a frame).
    while (true) {
        const std::size_t length = FramedLength(bytes);
        if (length == 0 || length > bytes.size)
            break;
        CollectRtpFrom(bytes.Sub(0, length), 0, p, out);
        bytes = bytes.Sub(length);
    }
}

std::vector<RtpSighting> FindRtp(const PcapFile& capture) {
    std::vector<RtpSighting> out;
    for (const PcapPacket& p : capture.packets)
        CollectRtp(p, out);
    return out;
}

} // namespace cmslab::diagnosis
