// The nonces a TURN server has handed out and until when each is good (RFC 8489
// section 9.2): unknown and expired nonces are answered 438 Stale Nonce.
#pragma once

#include "common/rng.h"
#include "common/time.h"

#include <cstddef>
#include <deque>
#include <map>
#include <string>

namespace cmslab::turn {

class NonceBook {
  public:
    // At most `capacity` nonces are remembered; the oldest are forgotten first, so a
    // flood of unauthenticated requests cannot grow the server without bound.
    NonceBook(Duration lifetime, std::size_t capacity = 65536);

    std::string Issue(Rng& rng, Instant now);
    bool IsValid(const std::string& nonce, Instant now) const;
    std::size_t Size() const { return m_expiry.size(); }

  private:
    void Prune(Instant now);

    Duration m_lifetime;
    std::size_t m_capacity;
    std::map<std::string, Instant> m_expiry;
    std::deque<std::string> m_order; // issue order, for pruning
};

} // namespace cmslab::turn
