#include "rtp/receiver_stats.h"

#include <cstdlib>

namespace cmslab::rtp {

namespace {
// RFC 3550 A.1: a jump larger than this is a restart or a stray packet, not loss.
constexpr std::uint16_t kMaxDropout = 3000;
constexpr std::uint16_t kMaxMisorder = 100;
} // namespace

void ReceiverStats::Update(std::uint16_t sequence, std::uint32_t timestamp, std::int64_t arrival) {
    if (!m_started) {
        m_started = true;
        m_base_seq = sequence;
        m_max_seq = sequence;
    } else {
        const std::uint16_t delta = static_cast<std::uint16_t>(sequence - m_max_seq);
        if (delta < kMaxDropout) {
            if (sequence < m_max_seq)
                m_cycles += 1u << 16; // wrapped
            m_max_seq = sequence;
        } else if (delta <= 0xFFFF - kMaxMisorder) {
            // A very large jump: A.1 waits for a second packet to resynchronise; this
            // receiver of one call's stream starts counting again from it.
            m_base_seq = sequence;
            m_max_seq = sequence;
            m_cycles = 0;
            m_received = 0;
        }
        // else: a duplicate or a late packet, counted below
    }
    ++m_received;

    // A.8: the difference of relative transit times, smoothed with gain 1/16.
    const std::int64_t transit = arrival - static_cast<std::int64_t>(timestamp);
    if (m_have_transit) {
        const double d = static_cast<double>(std::llabs(transit - m_transit));
        m_jitter += (d - m_jitter) / 16.0;
    }
    m_transit = transit;
    m_have_transit = true;
}

std::uint64_t ReceiverStats::Expected() const {
    if (!m_started)
        return 0;
    return static_cast<std::uint64_t>(ExtendedHighest()) - m_base_seq + 1;
}

std::int64_t ReceiverStats::Lost() const {
    return static_cast<std::int64_t>(Expected()) - static_cast<std::int64_t>(m_received);
}

double ReceiverStats::LossFraction() const {
    const auto expected = Expected();
    if (expected == 0)
        return 0;
    const auto lost = Lost();
    return lost <= 0 ? 0 : static_cast<double>(lost) / static_cast<double>(expected);
}

double ReceiverStats::JitterMs() const {
    return m_clock_rate == 0 ? 0 : m_jitter * 1000.0 / m_clock_rate;
}

} // namespace cmslab::rtp
