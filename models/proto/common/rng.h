// The lab's one source of randomness: a deterministic generator seeded from the
// scenario's seed, so that the same seed gives the same bytes (transaction IDs, nonces,
// ports, keys). Not for real-world secrets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cmslab {

class Rng {
  public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t U64();
    std::uint32_t U32() { return static_cast<std::uint32_t>(U64() >> 32); }
    // Uniform in [lo, hi], both included.
    std::uint64_t Uniform(std::uint64_t lo, std::uint64_t hi);
    void Fill(std::uint8_t* out, std::size_t n);

    // An independent stream for one user (a box, a test), so that adding draws in one
    // place does not shift the numbers another place sees.
    Rng Fork(std::string_view label) const;

  private:
    std::uint64_t m_s[4];
    std::uint64_t m_seed;
};

} // namespace cmslab
