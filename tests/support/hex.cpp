#include "support/hex.h"

#include <gtest/gtest.h>

namespace cmslab::testkit {

Bytes Hex(std::string_view hex) {
    Bytes out;
    EXPECT_TRUE(FromHex(hex, out)) << hex;
    return out;
}

} // namespace cmslab::testkit
