// What a receiver of one RTP stream knows about it (RFC 3550 section 6.4.1 and appendix
// A): packets received, the extended highest sequence number (A.1, with the wrap count),
// packets expected and lost (A.3), and the interarrival jitter (A.8) in timestamp units.
// Sans-I/O: the caller gives each packet's sequence number, RTP timestamp and arrival
// time converted to the stream's clock.
#pragma once

#include <cstdint>

namespace cmslab::rtp {

class ReceiverStats {
  public:
    explicit ReceiverStats(std::uint32_t clock_rate) : m_clock_rate(clock_rate) {}

    // `arrival` in units of the RTP clock (for 48 kHz, arrival_seconds * 48000); only
    // differences matter.
    void Update(std::uint16_t sequence, std::uint32_t timestamp, std::int64_t arrival);

    std::uint64_t Received() const { return m_received; }
    // Cycles of the sequence number in the upper bits, the highest seen in the lower.
    std::uint32_t ExtendedHighest() const { return m_cycles + m_max_seq; }
    std::uint64_t Expected() const;
    // Expected minus received: negative with duplicates (RFC 3550 A.3 keeps the sign).
    std::int64_t Lost() const;
    double LossFraction() const; // lost / expected, 0 before any packet
    double JitterUnits() const { return m_jitter; }
    double JitterMs() const;

  private:
    std::uint32_t m_clock_rate;
    bool m_started = false;
    std::uint16_t m_base_seq = 0;
    std::uint16_t m_max_seq = 0;
    std::uint32_t m_cycles = 0; // count of wraps, shifted left by 16
    std::uint64_t m_received = 0;
    bool m_have_transit = false;
    std::int64_t m_transit = 0;
    double m_jitter = 0;
};

} // namespace cmslab::rtp
