#include "dns/name.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::dns;

TEST(Name, ParsesWithAndWithoutTrailingDot) {
    auto a = ParseName("www.example.com");
    auto b = ParseName("www.example.com.");
    ASSERT_TRUE(a.Ok()) << a.Message();
    ASSERT_TRUE(b.Ok()) << b.Message();
    EXPECT_EQ(*a, (Labels{"www", "example", "com"}));
    EXPECT_EQ(*a, *b);
    EXPECT_TRUE(ParseName(".")->empty());
    EXPECT_TRUE(ParseName("")->empty());
    EXPECT_EQ(FormatName({}), ".");
    EXPECT_EQ(FormatName(*a), "www.example.com");
}

TEST(Name, RejectsEmptyLabelsLongLabelsAndLongNames) {
    EXPECT_FALSE(ParseName("a..b").Ok());
    EXPECT_FALSE(ParseName(".a").Ok());
    const std::string l63(63, 'x');
    const std::string l64(64, 'x');
    EXPECT_TRUE(ParseName(l63 + ".com").Ok());
    auto too_long_label = ParseName(l64 + ".com");
    ASSERT_FALSE(too_long_label.Ok());
    EXPECT_NE(too_long_label.Message().find("at most 63"), std::string::npos);
    // Four 63-byte labels: 4*64 + 1 = 257 bytes on the wire, over 255.
    auto too_long_name = ParseName(l63 + "." + l63 + "." + l63 + "." + l63);
    ASSERT_FALSE(too_long_name.Ok());
    EXPECT_NE(too_long_name.Message().find("255"), std::string::npos);
    // 3*64 + 62 + 1 = 255 exactly.
    EXPECT_TRUE(ParseName(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'y')).Ok());
}

TEST(Name, EscapesRoundTripAnyLabelByte) {
    Labels odd{std::string("a.b"), std::string("c\\d"), std::string("\x00\x20\x7f\xff", 4)};
    const std::string text = FormatName(odd);
    EXPECT_EQ(text, "a\\.b.c\\\\d.\\000\\032\\127\\255");
    auto back = ParseName(text);
    ASSERT_TRUE(back.Ok()) << back.Message();
    EXPECT_EQ(*back, odd);
    EXPECT_FALSE(ParseName("a\\25").Ok());
    EXPECT_FALSE(ParseName("a\\256").Ok());
    EXPECT_FALSE(ParseName("a\\").Ok());
}

TEST(Name, ComparesCaseInsensitively) {
    EXPECT_TRUE(NamesEqual("CMSWeb.Example.COM", "cmsweb.example.com."));
    EXPECT_FALSE(NamesEqual("cmsweb.example.com", "cmsweb.example.org"));
    EXPECT_FALSE(NamesEqual("a\\.b.com", "a.b.com"));
    EXPECT_EQ(CanonicalName("WWW.Example.Com."), "www.example.com");
    EXPECT_EQ(CanonicalName("\\065.com"), "a.com");
    EXPECT_TRUE(IsAtOrBelow("_xmpp-client._tcp.CMS.example.local", "cms.example.LOCAL"));
    EXPECT_TRUE(IsAtOrBelow("example.com", "EXAMPLE.com."));
    EXPECT_FALSE(IsAtOrBelow("badexample.com", "example.com"));
    EXPECT_FALSE(IsAtOrBelow("com", "example.com"));
    EXPECT_TRUE(IsAtOrBelow("anything.at.all", "."));
}
