#include "media/rtp_pacer.h"

#include "rtp/rtp_packet.h"

namespace cmslab::media {

RtpPacer::RtpPacer(Codec codec, Rng ids, Rng payload) : m_codec(codec), m_payload(payload) {
    m_ssrc = ids.U32();
    m_sequence = static_cast<std::uint16_t>(ids.U32());
    m_timestamp = ids.U32();
}

std::optional<Bytes> RtpPacer::Take() {
    if (m_next)
        *m_next += m_codec.packet_interval;
    rtp::RtpPacket packet;
    packet.payload_type = m_codec.payload_type;
    packet.marker = m_first_packet;
    m_first_packet = false;
    packet.sequence = m_sequence++;
    packet.timestamp = m_timestamp;
    m_timestamp += static_cast<std::uint32_t>(
        m_codec.clock_rate *
        std::chrono::duration_cast<std::chrono::microseconds>(m_codec.packet_interval).count() /
        1000000);
    packet.ssrc = m_ssrc;
    packet.payload.resize(m_codec.payload_bytes);
    m_payload.Fill(packet.payload.data(), packet.payload.size());
    auto plain = rtp::EncodeRtp(packet);
    if (!plain)
        return std::nullopt;
    return std::move(*plain);
}

} // namespace cmslab::media
