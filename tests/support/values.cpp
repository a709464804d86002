#include "support/values.h"

#include <gtest/gtest.h>

namespace cmslab::testkit {

IpAddress Ip(std::string_view text) {
    auto address = IpAddress::Parse(text);
    EXPECT_TRUE(address.has_value()) << "not an address: " << text;
    return address.value_or(IpAddress::V4(0));
}

Bytes B(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

std::string Text(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

} // namespace cmslab::testkit
