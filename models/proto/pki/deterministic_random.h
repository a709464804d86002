// Makes OpenSSL draw every random byte (keys, certificate signatures, TLS randoms, key
// shares, IVs) from a cmslab::Rng, so that the same scenario seed gives the same keys,
// certificates and handshake bytes.
//
// How: a RAND_METHOD (OpenSSL 3.0 still honours one, though the API is deprecated) is
// installed while at least one of the objects below is alive. Its draws come from the
// innermost RandomScope of the calling thread, else from the process-wide
// DeterministicRandom, else from OpenSSL's own DRBG (so code outside any scope keeps
// real randomness). When the last object goes away the previous method is restored.
//
// The pki and tls packages open a RandomScope around every OpenSSL call that may draw,
// with the Rng their caller handed in; each endpoint owns its own stream, so the bytes
// of one connection do not depend on what other connections drew before.
#pragma once

#include <cstdint>

#include "common/rng.h"

namespace cmslab::pki {

// Process-wide source for draws not covered by a RandomScope. Nestable (the inner one
// wins until it is destroyed). Draws from several threads are serialised.
class DeterministicRandom {
  public:
    explicit DeterministicRandom(std::uint64_t seed);
    explicit DeterministicRandom(const Rng& rng);
    ~DeterministicRandom();
    DeterministicRandom(const DeterministicRandom&) = delete;
    DeterministicRandom& operator=(const DeterministicRandom&) = delete;

  private:
    Rng m_rng;
    Rng* m_previous;
};

// Source for the draws of the calling thread while it lives; `rng` is borrowed and must
// outlive the scope. Nestable.
class RandomScope {
  public:
    explicit RandomScope(Rng& rng);
    ~RandomScope();
    RandomScope(const RandomScope&) = delete;
    RandomScope& operator=(const RandomScope&) = delete;

  private:
    Rng* m_previous;
};

// True while the lab's method is installed in OpenSSL (some scope or guard is alive).
bool DeterministicRandomInstalled();

} // namespace cmslab::pki
