#include "rng.h"

namespace cmslab {

namespace {

std::uint64_t SplitMix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

} // namespace

// xoshiro256** (Blackman and Vigna), state filled by SplitMix64 as its authors advise.
Rng::Rng(std::uint64_t seed) : m_seed(seed) {
    std::uint64_t x = seed;
    for (auto& s : m_s)
        s = SplitMix64(x);
}

std::uint64_t Rng::U64() {
    const std::uint64_t result = Rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = Rotl(m_s[3], 45);
    return result;
}

std::uint64_t Rng::Uniform(std::uint64_t lo, std::uint64_t hi) {
    if (hi <= lo)
        return lo;
    const std::uint64_t span = hi - lo;
    if (span == UINT64_MAX)
        return U64();
    const std::uint64_t n = span + 1;
    // Rejection keeps the draw unbiased.
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
    std::uint64_t v;
    do {
        v = U64();
    } while (v >= limit);
    return lo + v % n;
}

void Rng::Fill(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
        std::uint64_t v = U64();
        for (int i = 0; i < 8 && n > 0; ++i, --n) {
            *out++ = static_cast<std::uint8_t>(v);
            v >>= 8;
        }
    }
}

Rng Rng::Fork(std::string_view label) const {
    // FNV-1a of the label, mixed with the parent seed: independent of draws made so far.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : label) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 0x100000001b3ULL;
    }
    std::uint64_t x = m_seed ^ Rotl(h, 17);
    return Rng(SplitMix64(x));
}

} // namespace cmslab
