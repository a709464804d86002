#include "common/text.h"

#include <gtest/gtest.h>

namespace cmslab {
namespace {

TEST(Text, AsciiCaseFoldingLeavesOtherBytesAlone) {
    EXPECT_EQ(AsciiToLower("CMSWeb.Example.COM"), "cmsweb.example.com");
    EXPECT_TRUE(EqualsIgnoreAsciiCase("Host", "hOST"));
    EXPECT_FALSE(EqualsIgnoreAsciiCase("\xC3\x89", "\xC3\xA9")); // É and é: not ASCII
    EXPECT_EQ(HexDigitValue('f'), 15);
    EXPECT_EQ(HexDigitValue('G'), -1);
}

TEST(Text, JoinPutsTheSeparatorOnlyBetweenItems) {
    EXPECT_EQ(Join({"a", "b", "c"}), "a, b, c");
    EXPECT_EQ(Join({"a", "b"}, "; "), "a; b");
    EXPECT_EQ(Join({"only"}), "only");
    EXPECT_EQ(Join({}), "");
    EXPECT_EQ(Join({"", "x"}), ", x"); // an empty item still counts
}

TEST(Text, XmlEscapeGivesWellFormedText) {
    EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
    EXPECT_EQ(XmlEscape("tab\tline\r\n"), "tab\tline\r\n");
    // XML 1.0 cannot carry other control characters at all: they become U+FFFD.
    EXPECT_EQ(XmlEscape(std::string("a\x01z\x1f", 4)), "a\xEF\xBF\xBDz\xEF\xBF\xBD");
    EXPECT_EQ(XmlEscape("caf\xC3\xA9"), "caf\xC3\xA9"); // UTF-8 passes through
    EXPECT_EQ(XmlEscape(""), "");
}

} // namespace
} // namespace cmslab
