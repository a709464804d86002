#include "turn/reservation_book.h"

namespace cmslab::turn {

namespace {

constexpr std::uint8_t kReserveBit = 0x80;

} // namespace

std::optional<EvenPort> DecodeEvenPort(ByteView value) {
    if (value.size != 1)
        return std::nullopt;
    return EvenPort{(value.data[0] & kReserveBit) != 0};
}

Bytes EncodeEvenPort(EvenPort even) {
    return Bytes{even.reserve_next ? kReserveBit : std::uint8_t{0}};
}

Bytes ReservationBook::Reserve(const Endpoint& relay, Rng& rng, Instant now) {
    Bytes token(kReservationTokenSize);
    do {
        rng.Fill(token.data(), token.size());
    } while (m_by_token.count(token));
    m_by_token[token] = Hold{relay, now + m_hold};
    return token;
}

std::optional<Endpoint> ReservationBook::Claim(ByteView token, Instant now) {
    const auto it = m_by_token.find(Bytes(token.data, token.data + token.size));
    if (it == m_by_token.end())
        return std::nullopt;
    const Hold hold = it->second;
    m_by_token.erase(it);
    if (hold.until <= now)
        return std::nullopt;
    return hold.relay;
}

bool ReservationBook::Holds(const Endpoint& relay, Instant now) const {
    for (const auto& [token, hold] : m_by_token)
        if (hold.relay == relay && hold.until > now)
            return true;
    return false;
}

std::optional<Instant> ReservationBook::NextExpiry() const {
    std::optional<Instant> next;
    for (const auto& [token, hold] : m_by_token)
        if (!next || hold.until < *next)
            next = hold.until;
    return next;
}

std::size_t ReservationBook::Expire(Instant now) {
    std::size_t dropped = 0;
    for (auto it = m_by_token.begin(); it != m_by_token.end();) {
        if (it->second.until <= now) {
            it = m_by_token.erase(it);
            ++dropped;
        } else {
            ++it;
        }
    }
    return dropped;
}

} // namespace cmslab::turn
