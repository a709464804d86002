#include "log_lines/pattern.h"

#include <gtest/gtest.h>

namespace cmslab::log_lines {
namespace {

std::optional<Values> M(std::string_view pattern, std::string_view text) {
    return MatchPattern(CompilePattern(pattern), text);
}

TEST(Pattern, FillsPlaceholdersByName) {
    const auto segments = CompilePattern("at {server} as {user...}");
    EXPECT_EQ(FillPattern(segments, {{"user", "a b"}, {"server", "x:1"}}), "at x:1 as a b");
    EXPECT_EQ(FillPattern(segments, {{"server", "x:1"}}), "at x:1 as ");
    EXPECT_EQ(PlaceholderNames(segments), (std::vector<std::string>{"server", "user"}));
}

TEST(Pattern, WordsHoldNoSpaceFreeTextDoes) {
    EXPECT_EQ(M("as {user}", "as labuser"), (Values{{"user", "labuser"}}));
    EXPECT_FALSE(M("as {user}", "as lab user"));
    EXPECT_EQ(M("as {user...}", "as lab user"), (Values{{"user", "lab user"}}));
}

TEST(Pattern, LiteralsMustStandWhereTheWordingHasThem) {
    EXPECT_FALSE(M("TURN services are off", "TURN services are off now"));
    EXPECT_FALSE(M("TURN services are off", "the TURN services are off"));
    EXPECT_TRUE(M("TURN services are off", "TURN services are off"));
    EXPECT_FALSE(M("({rule...})", "(rule 1), to 10.0.0.5"));
}

TEST(Pattern, AFreeTextThatHoldsTheNextLiteralTakesALaterOccurrence) {
    // The reason holds " (": the peer is still the last parenthesised word.
    EXPECT_EQ(M("{line...} ({peer})", "zone: challenged SERVICE (realm X) (10.0.0.6:49154)"),
              (Values{{"line", "zone: challenged SERVICE (realm X)"}, {"peer", "10.0.0.6:49154"}}));
    // A protocol of several words before a one-word source.
    EXPECT_EQ(
        M("{protocol...} {source} -> {destination}", "ICMP echo request 10.0.0.1 -> 10.0.0.2"),
        (Values{{"protocol", "ICMP echo request"},
                {"source", "10.0.0.1"},
                {"destination", "10.0.0.2"}}));
}

TEST(Pattern, EmptyPlaceholdersRead) {
    EXPECT_EQ(M("Host: {host} from {peer}", "Host:  from 10.0.0.6:1"),
              (Values{{"host", ""}, {"peer", "10.0.0.6:1"}}));
}

TEST(Pattern, SideBySidePlaceholdersMatchNothing) {
    EXPECT_FALSE(M("{a}{b}", "xy"));
}

} // namespace
} // namespace cmslab::log_lines
