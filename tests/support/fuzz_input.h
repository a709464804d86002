// Pieces of generated input for the tests that feed decoders and state machines hostile
// bytes. Drawn only from the Rng handed in, so that a seed gives the same inputs each run.
#pragma once

#include "common/bytes.h"
#include "common/rng.h"

#include <cstddef>

namespace cmslab::testkit {

// `n` bytes from `rng`.
Bytes RandomBytes(Rng& rng, std::size_t n);

} // namespace cmslab::testkit
