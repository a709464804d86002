// Bytes written in a test as hex (RFC test vectors, expected encodings).
#pragma once

#include "common/bytes.h"

#include <string_view>

namespace cmslab::testkit {

// The bytes of `hex`; text that is not hex fails the calling test (gtest).
Bytes Hex(std::string_view hex);

} // namespace cmslab::testkit
