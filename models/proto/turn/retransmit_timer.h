// When a STUN client transaction sends again and when it gives up (RFC 8489 section
// 6.2.1): over UDP the request goes out at 0, RTO, 3 RTO, ... doubling, Rc times in all,
// and the transaction fails Rm * RTO after the last send (39.5 s with the defaults);
// over TCP it goes out once and fails after Ti (39.5 s).
#pragma once

#include "common/time.h"

#include <chrono>
#include <cstdint>

namespace cmslab::turn {

struct RetransmitPolicy {
    Duration rto = std::chrono::milliseconds(500);
    std::uint32_t rc = 7;
    std::uint32_t rm = 16;
    Duration reliable_timeout = std::chrono::milliseconds(39500);
};

class RetransmitTimer {
  public:
    enum class Action { None, Send, GiveUp };

    RetransmitTimer() = default;
    RetransmitTimer(const RetransmitPolicy& policy, bool reliable, Instant now);

    // The first send happens at construction (the caller sends); after that, call at or
    // after Next(): Send means send the same bytes again, GiveUp means the transaction
    // timed out.
    Action OnTimer(Instant now);
    Instant Next() const { return m_next; }
    std::uint32_t Sends() const { return m_sends; }
    bool Done() const { return m_done; }

  private:
    RetransmitPolicy m_policy;
    bool m_reliable = false;
    Duration m_interval{};
    Instant m_next{};
    std::uint32_t m_sends = 0;
    bool m_done = false;
};

} // namespace cmslab::turn
