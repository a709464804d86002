#include "turn/nonce_book.h"

#include "common/bytes.h"

namespace cmslab::turn {

NonceBook::NonceBook(Duration lifetime, std::size_t capacity)
    : m_lifetime(lifetime), m_capacity(capacity ? capacity : 1) {}

std::string NonceBook::Issue(Rng& rng, Instant now) {
    Prune(now);
    std::uint8_t raw[12];
    rng.Fill(raw, sizeof raw);
    std::string nonce = ToHex(ByteView(raw, sizeof raw));
    while (m_expiry.size() >= m_capacity && !m_order.empty()) {
        m_expiry.erase(m_order.front());
        m_order.pop_front();
    }
    if (m_expiry.emplace(nonce, now + m_lifetime).second)
        m_order.push_back(nonce);
    return nonce;
}

bool NonceBook::IsValid(const std::string& nonce, Instant now) const {
    auto it = m_expiry.find(nonce);
    return it != m_expiry.end() && now < it->second;
}

void NonceBook::Prune(Instant now) {
    // Issue order is expiry order, as every nonce gets the same lifetime.
    while (!m_order.empty()) {
        auto it = m_expiry.find(m_order.front());
        if (it != m_expiry.end() && it->second > now)
            break;
        if (it != m_expiry.end())
            m_expiry.erase(it);
        m_order.pop_front();
    }
}

} // namespace cmslab::turn
