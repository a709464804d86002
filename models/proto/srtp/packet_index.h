// The 48-bit SRTP packet index, ROC * 2^16 + SEQ (RFC 3711 section 3.3.1 and appendix
// A): what a receiver guesses from the 16-bit sequence number and what it has seen.
#pragma once

#include <cstdint>
#include <optional>

namespace cmslab::srtp {

// The highest sequence number seen (s_l) and the rollover counter of one SSRC.
class RolloverTracker {
  public:
    // The index of a packet with this sequence number: the ROC guess v is ROC-1, ROC or
    // ROC+1, whichever puts the index nearest s_l. Before any packet, s_l is taken to be
    // `sequence` itself (section 3.3.1: the first packet sets s_l). nullopt when v would
    // fall below 0 or above 2^32-1.
    std::optional<std::uint64_t> Estimate(std::uint16_t sequence) const;
    // Records an authenticated packet's index: s_l and ROC move forward, never back.
    void Update(std::uint64_t index);

    bool Started() const { return m_started; }
    std::uint32_t Roc() const { return m_roc; }
    std::uint16_t HighestSequence() const { return m_s_l; }

  private:
    bool m_started = false;
    std::uint32_t m_roc = 0;
    std::uint16_t m_s_l = 0;
};

// A sliding replay window (RFC 3711 section 3.3.2) of 64 indices below the highest one
// accepted.
class ReplayWindow {
  public:
    static constexpr std::uint64_t kSize = 64;

    // Whether a packet with this index would be fresh: newer than the highest, or inside
    // the window and not seen yet.
    bool Check(std::uint64_t index) const;
    // Marks an index as seen (after the packet authenticated).
    void Accept(std::uint64_t index);

  private:
    bool m_started = false;
    std::uint64_t m_highest = 0;
    std::uint64_t m_bits = 0; // bit i: m_highest - i seen
};

} // namespace cmslab::srtp
