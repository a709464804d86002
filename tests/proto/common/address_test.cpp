#include "common/address.h"

#include <gtest/gtest.h>

using namespace cmslab;

TEST(Address, ParsesAndPrintsV4AndV6) {
    auto v4 = IpAddress::Parse("10.88.246.156");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->IsV4());
    EXPECT_EQ(v4->V4Value(), 0x0a58f69cu);
    EXPECT_EQ(v4->ToString(), "10.88.246.156");
    auto v6 = IpAddress::Parse("2001:db8::1");
    ASSERT_TRUE(v6);
    EXPECT_FALSE(v6->IsV4());
    EXPECT_EQ((Endpoint{*v6, 3478}).ToString(), "[2001:db8::1]:3478");
}

TEST(Address, RejectsMalformedText) {
    EXPECT_FALSE(IpAddress::Parse("10.88.246"));
    EXPECT_FALSE(IpAddress::Parse("10.88.246.256"));
    EXPECT_FALSE(IpAddress::Parse("10.88.246.1 "));
    EXPECT_FALSE(IpAddress::Parse(""));
}
