#include "link/path_impairment.h"

#include <algorithm>

namespace cmslab::link {

namespace {

// 2^53 steps: a uniform double in [0, 1) with every step representable.
double Unit(Rng& rng) {
    return static_cast<double>(rng.U64() >> 11) / 9007199254740992.0;
}

} // namespace

PathImpairment::PathImpairment(PathSettings settings, Rng rng)
    : m_settings(settings), m_rng(std::move(rng)) {}

std::optional<Instant> PathImpairment::Departure(Instant now) {
    // Both draws are taken for every frame, so the loss of one frame does not shift the
    // jitter of the next: changing the loss keeps the delays of the frames that pass.
    const double lose = Unit(m_rng);
    const double wait = Unit(m_rng);
    if (m_settings.loss > 0 && lose < m_settings.loss) {
        ++m_lost;
        return std::nullopt;
    }
    ++m_passed;
    const auto jitter = std::chrono::duration_cast<Duration>(m_settings.jitter * wait);
    m_last = std::max(m_last, now + m_settings.delay + jitter);
    return m_last;
}

} // namespace cmslab::link
