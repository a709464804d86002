// Built instead of the libsrtp2 interop test when CMake found no libsrtp2: the interop
// test must not silently disappear, so this one fails and says what to install.
#include <gtest/gtest.h>

TEST(LibsrtpInterop, LibsrtpIsInstalled) {
    FAIL() << "libsrtp2 was not found when configuring (Debian package libsrtp2-dev; "
              "tools/setup should install it). Install it and re-run cmake.";
}
