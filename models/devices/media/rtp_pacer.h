// The outgoing RTP stream of a session: one packet per codec interval from Start, with
// the marker on the first (the start of a talkspurt), the sequence number and the
// timestamp advancing by one packet each, and random payload bytes of the codec's size
// standing in for encoded audio.
#pragma once

#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "media/session_config.h"

#include <cstdint>
#include <optional>

namespace cmslab::media {

class RtpPacer {
  public:
    // `ids` draws the SSRC and the first sequence number and timestamp; `payload` the
    // payload bytes.
    RtpPacer(Codec codec, Rng ids, Rng payload);

    // The first packet is due at `now`.
    void Start(Instant now) { m_next = now; }
    void Stop() { m_next.reset(); }
    bool Running() const { return m_next.has_value(); }
    std::optional<Instant> NextPacket() const { return m_next; }
    bool Due(Instant now) const { return m_next && *m_next <= now; }

    // The next packet in plain RTP (nullopt when it does not encode); the one after is
    // due one interval later.
    std::optional<Bytes> Take();

  private:
    Codec m_codec;
    Rng m_payload;
    std::optional<Instant> m_next;
    std::uint16_t m_sequence = 0;
    std::uint32_t m_timestamp = 0;
    std::uint32_t m_ssrc = 0;
    bool m_first_packet = true;
};

} // namespace cmslab::media
