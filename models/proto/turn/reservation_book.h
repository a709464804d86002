// EVEN-PORT and RESERVATION-TOKEN (RFC 8656 sections 7.2, 18.9 and 18.10): an Allocate
// may ask for an even relay port and, with the R bit, that the next port be held for a
// later Allocate (RTP on the even port, RTCP on the odd one). The server answers with an
// 8-byte token; an Allocate that presents it gets the held port. A hold lasts about 30 s,
// and a token works once.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace cmslab::turn {

// The EVEN-PORT value: one byte, the R bit its top bit, the other seven reserved (zero
// when sent, ignored when received). nullopt: not one byte long.
struct EvenPort {
    bool reserve_next = false; // the R bit
};
std::optional<EvenPort> DecodeEvenPort(ByteView value);
Bytes EncodeEvenPort(EvenPort even);

// The length of a RESERVATION-TOKEN value.
constexpr std::size_t kReservationTokenSize = 8;

class ReservationBook {
  public:
    explicit ReservationBook(Duration hold = std::chrono::seconds(30)) : m_hold(hold) {}

    // Holds `relay` until now + hold; the token that claims it.
    Bytes Reserve(const Endpoint& relay, Rng& rng, Instant now);
    // The held relay address for `token` (which then stops working); nullopt when the
    // token is unknown or its hold is over.
    std::optional<Endpoint> Claim(ByteView token, Instant now);
    // True while a live hold is on `relay`: nobody else is given it.
    bool Holds(const Endpoint& relay, Instant now) const;

    std::optional<Instant> NextExpiry() const;
    // Drops the holds that are over; how many.
    std::size_t Expire(Instant now);
    std::size_t Size() const { return m_by_token.size(); }

  private:
    struct Hold {
        Endpoint relay;
        Instant until{};
    };
    Duration m_hold;
    std::map<Bytes, Hold> m_by_token;
};

} // namespace cmslab::turn
