#include "srtp/packet_index.h"

namespace cmslab::srtp {

std::optional<std::uint64_t> RolloverTracker::Estimate(std::uint16_t sequence) const {
    if (!m_started)
        return static_cast<std::uint64_t>(sequence);
    std::int64_t v = m_roc;
    if (m_s_l < 32768) {
        if (sequence > m_s_l && sequence - m_s_l > 32768)
            v = static_cast<std::int64_t>(m_roc) - 1;
    } else {
        if (m_s_l - 32768 > sequence)
            v = static_cast<std::int64_t>(m_roc) + 1;
    }
    if (v < 0 || v > 0xFFFFFFFFll)
        return std::nullopt;
    return (static_cast<std::uint64_t>(v) << 16) | sequence;
}

void RolloverTracker::Update(std::uint64_t index) {
    const auto roc = static_cast<std::uint32_t>(index >> 16);
    const auto seq = static_cast<std::uint16_t>(index & 0xFFFF);
    if (!m_started) {
        m_started = true;
        m_roc = roc;
        m_s_l = seq;
        return;
    }
    const std::uint64_t current = (static_cast<std::uint64_t>(m_roc) << 16) | m_s_l;
    if (index > current) {
        m_roc = roc;
        m_s_l = seq;
    }
}

bool ReplayWindow::Check(std::uint64_t index) const {
    if (!m_started || index > m_highest)
        return true;
    const std::uint64_t age = m_highest - index;
    if (age >= kSize)
        return false;
    return ((m_bits >> age) & 1u) == 0;
}

void ReplayWindow::Accept(std::uint64_t index) {
    if (!m_started) {
        m_started = true;
        m_highest = index;
        m_bits = 1;
        return;
    }
    if (index > m_highest) {
        const std::uint64_t shift = index - m_highest;
        m_bits = shift >= kSize ? 0 : m_bits << shift;
        m_bits |= 1;
        m_highest = index;
        return;
    }
    const std::uint64_t age = m_highest - index;
    if (age < kSize)
        m_bits |= std::uint64_t{1} << age;
}

} // namespace cmslab::srtp
