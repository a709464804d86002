// Scenario text is user input: the parsers of its values and the loader itself must
// answer anything (random bytes, truncations, single-byte mutations of valid text) with a
// result or a diagnostic, never a crash or a hang.
#include "scenario_test_util.h"

#include "common/rng.h"
#include "scenario/loader.h"
#include "scenario/names.h"
#include "scenario/port_range.h"
#include "scenario/scenario.h"
#include "scenario/url.h"

#include <gtest/gtest.h>

namespace cmslab::scenario {
namespace {

// Valid examples of each value kind, mutated and cut, plus random strings over an
// alphabet that reaches the parsers' branches.
std::string Mutant(Rng& rng, const std::vector<std::string>& seeds) {
    static const std::string kAlphabet = "0123456789./-:_*[]@?#% abcxyzABC\x01\xff";
    switch (rng.Uniform(0, 3)) {
    case 0: { // random
        std::string s(rng.Uniform(0, 40), ' ');
        for (auto& c : s)
            c = kAlphabet[rng.Uniform(0, kAlphabet.size() - 1)];
        return s;
    }
    case 1: { // truncation
        const auto& seed = seeds[rng.Uniform(0, seeds.size() - 1)];
        return seed.substr(0, rng.Uniform(0, seed.size()));
    }
    case 2: { // oversized: a long run of one character
        return std::string(rng.Uniform(200, 2000), kAlphabet[rng.Uniform(0, 12)]);
    }
    default: { // single-byte mutation
        auto s = seeds[rng.Uniform(0, seeds.size() - 1)];
        if (!s.empty())
            s[rng.Uniform(0, s.size() - 1)] = static_cast<char>(rng.Uniform(0, 255));
        return s;
    }
    }
}

TEST(ScenarioFuzz, ValueParsersAnswerAnyText) {
    Rng rng(20240301);
    const std::vector<std::string> seeds = {"https://cmsweb.example.com:8443/path?q=1",
                                            "http://[2001:db8::1]:80/",
                                            "24000-29999",
                                            "3478",
                                            "172.16.85.0/24",
                                            "10.0.0.1/32",
                                            "2001:db8::/32",
                                            "2017-05-20T10:00:00Z",
                                            "_xmpp-client._tcp.example.com",
                                            "a-b.c_d.example."};
    std::size_t accepted = 0;
    for (int i = 0; i < 100000; ++i) {
        const auto text = Mutant(rng, seeds);
        if (auto u = Url::Parse(text)) {
            ++accepted;
            EXPECT_TRUE(u->scheme == "http" || u->scheme == "https");
            EXPECT_FALSE(u->host.empty());
        }
        if (auto r = PortRange::Parse(text)) {
            ++accepted;
            EXPECT_LE(r->low, r->high);
            EXPECT_GE(r->low, 1);
        }
        if (auto p = Prefix::Parse(text)) {
            ++accepted;
            EXPECT_TRUE(p->Contains(p->address));
            EXPECT_EQ(Prefix::Parse(p->ToString())->length, p->length);
        }
        if (auto t = ParseUtcTime(text)) {
            ++accepted;
            EXPECT_EQ(FormatUtcTime(*t), text);
        }
        accepted += IsHostName(text) + IsDnsName(text) + IsValidName(text);
    }
    EXPECT_GT(accepted, 1000u); // the mutants do reach the accepting paths
}

TEST(ScenarioFuzz, LoaderAnswersMutatedFiles) {
    Rng rng(7);
    const auto small = test::ReadFile(test::SourcePath("tests/sim/data/broken-addressing.json"));
    const auto other = test::ReadFile(test::SourcePath("tests/sim/data/other-deployment.json"));
    std::size_t loaded = 0;
    for (int i = 0; i < 3000; ++i) {
        const auto& base = i % 10 == 0 ? other : small;
        std::string text = base;
        const auto kind = rng.Uniform(0, 2);
        if (kind == 0)
            text = text.substr(0, rng.Uniform(0, text.size()));
        else if (kind == 1)
            text[rng.Uniform(0, text.size() - 1)] = static_cast<char>(rng.Uniform(0, 255));
        else
            text.insert(rng.Uniform(0, text.size()),
                        std::string(rng.Uniform(1, 3), "{}[],:\"0"[rng.Uniform(0, 7)]));
        auto r = LoadScenarioFromString(text, "mutant.json");
        loaded += r.Ok();
        EXPECT_EQ(r.Ok(), r.ErrorCount() == 0);
        for (const auto& d : r.diagnostics)
            EXPECT_FALSE(d.message.empty());
    }
    (void)loaded;
}

} // namespace
} // namespace cmslab::scenario
