#include "turn/retransmit_timer.h"

namespace cmslab::turn {

RetransmitTimer::RetransmitTimer(const RetransmitPolicy& policy, bool reliable, Instant now)
    : m_policy(policy), m_reliable(reliable), m_interval(policy.rto), m_sends(1) {
    if (reliable || m_policy.rc <= 1)
        m_next = now + (reliable ? policy.reliable_timeout : policy.rto * policy.rm);
    else
        m_next = now + m_interval;
}

RetransmitTimer::Action RetransmitTimer::OnTimer(Instant now) {
    if (m_done || now < m_next)
        return Action::None;
    if (m_reliable || m_sends >= m_policy.rc) {
        m_done = true;
        return Action::GiveUp;
    }
    ++m_sends;
    m_interval *= 2;
    // After the last send the wait is Rm times the initial RTO, not the doubled one.
    m_next = now + (m_sends >= m_policy.rc ? m_policy.rto * m_policy.rm : m_interval);
    return Action::Send;
}

} // namespace cmslab::turn
