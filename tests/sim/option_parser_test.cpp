// The option parser every `cmslab` command reads its arguments with (sim/cli/option_parser.h):
// the forms it accepts and the words it refuses a command line with.
#include "option_parser.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cmslab::cli {
namespace {

const std::vector<OptionSpec> kSpecs = {{"--out", 1}, {"--json", 0}, {"--trace", 2}};

TEST(OptionParser, ValueAfterTheOptionOrAfterAnEqualsSign) {
    auto spaced = ParseOptions({"--out", "dir"}, kSpecs);
    EXPECT_EQ(spaced.error, "");
    EXPECT_EQ(spaced.Value("--out"), "dir");
    auto joined = ParseOptions({"--out=dir"}, kSpecs);
    EXPECT_EQ(joined.error, "");
    EXPECT_EQ(joined.Value("--out"), "dir");
    // Only the first '=' separates: the value may hold one.
    EXPECT_EQ(ParseOptions({"--out=a=b"}, kSpecs).Value("--out"), "a=b");
}

TEST(OptionParser, PositionalArgumentsKeepTheirOrderAroundOptions) {
    auto r = ParseOptions({"a.json", "--json", "b.json", "--out", "dir", "-", "c.json"}, kSpecs);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.positional, (std::vector<std::string>{"a.json", "b.json", "-", "c.json"}));
    EXPECT_TRUE(r.Has("--json"));
    EXPECT_FALSE(r.Has("--trace"));
    EXPECT_EQ(r.Value("--trace"), std::nullopt);
}

TEST(OptionParser, AfterDoubleDashEveryWordIsPositional) {
    auto r = ParseOptions({"--json", "--", "--out", "-x"}, kSpecs);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.positional, (std::vector<std::string>{"--out", "-x"}));
    EXPECT_FALSE(r.Has("--out"));
}

TEST(OptionParser, UnknownOptionIsRefusedByName) {
    EXPECT_EQ(ParseOptions({"a.json", "--strict"}, kSpecs).error, "unknown option '--strict'");
    EXPECT_EQ(ParseOptions({"--strict=yes"}, kSpecs).error, "unknown option '--strict'");
    EXPECT_EQ(ParseOptions({"-x"}, kSpecs).error, "unknown option '-x'");
}

TEST(OptionParser, MissingOrEmptyValueIsRefused) {
    EXPECT_EQ(ParseOptions({"--out"}, kSpecs).error, "--out needs a value");
    EXPECT_EQ(ParseOptions({"--out", ""}, kSpecs).error, "--out needs a value");
    EXPECT_EQ(ParseOptions({"--out="}, kSpecs).error, "--out needs a value");
    EXPECT_EQ(ParseOptions({"--trace", "node"}, kSpecs).error, "--trace needs 2 values");
}

TEST(OptionParser, LaterOccurrenceWinsUnlessTheOptionRepeats) {
    const std::vector<OptionSpec> specs = {{"--out", 1}, {"--attach", 1, true}};
    auto r =
        ParseOptions({"--out", "a", "--attach", "guest-pc", "--out=b", "--attach=ext-dns"}, specs);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.Values("--out"), (std::vector<std::string>{"b"}));
    EXPECT_EQ(r.Values("--attach"), (std::vector<std::string>{"guest-pc", "ext-dns"}));
    EXPECT_EQ(ParseOptions({"--attach", "x", "--attach"}, specs).error, "--attach needs a value");
}

TEST(OptionParser, FlagTakesNoValue) {
    EXPECT_EQ(ParseOptions({"--json=yes"}, kSpecs).error, "--json takes no value");
}

TEST(OptionParser, OptionOfSeveralValues) {
    auto r = ParseOptions({"--trace", "guest-pc", "192.0.2.1", "x.json"}, kSpecs);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.Values("--trace"), (std::vector<std::string>{"guest-pc", "192.0.2.1"}));
    EXPECT_EQ(r.positional, (std::vector<std::string>{"x.json"}));
    EXPECT_EQ(ParseOptions({"--trace=guest-pc", "192.0.2.1"}, kSpecs).Values("--trace"),
              (std::vector<std::string>{"guest-pc", "192.0.2.1"}));
}

TEST(OptionParser, TheLastOccurrenceOfAnOptionWins) {
    EXPECT_EQ(ParseOptions({"--out", "a", "--out=b"}, kSpecs).Value("--out"), "b");
}

TEST(OptionParser, HelpStopsReadingEvenBeforeAnError) {
    for (const char* help : {"--help", "-h"}) {
        auto r = ParseOptions({"a.json", help, "--bogus"}, kSpecs);
        EXPECT_TRUE(r.help) << help;
        EXPECT_EQ(r.error, "") << help;
    }
    // An error before --help is the answer.
    EXPECT_FALSE(ParseOptions({"--bogus", "--help"}, kSpecs).help);
}

TEST(OptionParser, WholeNumberOption) {
    const std::vector<OptionSpec> specs = {{"--timeout", 1}};
    auto absent = ParseOptions({}, specs).WholeNumber("--timeout", 1, "seconds");
    ASSERT_TRUE(absent);
    EXPECT_EQ(*absent, std::nullopt);
    auto given = ParseOptions({"--timeout=30"}, specs).WholeNumber("--timeout", 1, "seconds");
    ASSERT_TRUE(given);
    EXPECT_EQ(*given, 30u);
    for (const char* bad : {"soon", "0", "-1", "3s", "99999999999999999999"}) {
        auto r = ParseOptions({"--timeout", bad}, specs).WholeNumber("--timeout", 1, "seconds");
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.Message(), std::string("--timeout takes seconds, not '") + bad + "'");
    }
}

TEST(OptionParser, AtMostOnePositional) {
    EXPECT_EQ(ParseOptions({"a.json"}, kSpecs).AtMostOne("scenario"), std::nullopt);
    EXPECT_EQ(ParseOptions({"a.json", "b.json"}, kSpecs).AtMostOne("scenario"),
              "one scenario at a time ('a.json' and 'b.json')");
}

void Usage(std::ostream& os) {
    os << "usage: cmslab test\n";
}

TEST(OptionParser, CommandLineSaysHelpOnStdoutAndErrorsOnStderr) {
    testing::internal::CaptureStdout();
    auto help = ParseCommandLine("test", Usage, {"--help"}, kSpecs);
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "usage: cmslab test\n");
    EXPECT_EQ(help.exit, 0);

    testing::internal::CaptureStderr();
    auto bad = ParseCommandLine("test", Usage, {"--out"}, kSpecs);
    EXPECT_EQ(testing::internal::GetCapturedStderr(),
              "cmslab test: --out needs a value\n\nusage: cmslab test\n");
    EXPECT_EQ(bad.exit, 2);

    auto fine = ParseCommandLine("test", Usage, {"--out", "d", "x"}, kSpecs);
    EXPECT_EQ(fine.exit, std::nullopt);
    EXPECT_EQ(fine.Value("--out"), "d");
    EXPECT_EQ(fine.positional, (std::vector<std::string>{"x"}));
    // What the command itself refuses is said the same way.
    testing::internal::CaptureStderr();
    EXPECT_EQ(fine.Refuse("x is not a folder"), 2);
    EXPECT_EQ(testing::internal::GetCapturedStderr(),
              "cmslab test: x is not a folder\n\nusage: cmslab test\n");
}

} // namespace
} // namespace cmslab::cli
