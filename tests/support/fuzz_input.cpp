#include "support/fuzz_input.h"

namespace cmslab::testkit {

Bytes RandomBytes(Rng& rng, std::size_t n) {
    Bytes b(n);
    rng.Fill(b.data(), n);
    return b;
}

} // namespace cmslab::testkit
