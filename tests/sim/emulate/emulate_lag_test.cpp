// How well an emulation keeps real time (issue 12): the reference with guest-pc attached,
// while a real client fetches the meeting page ten times, must run its events less than
// 10 ms late at the 99th percentile on the project's 2-core machine, and say so in
// summary.json and on its last line. Run alone (RUN_SERIAL), and at a real-time priority
// (`chrt -f 10`, as README advises for a class): at the ordinary priority, other work on
// the machine decides the lateness (p99 20 ms was seen while two other builds ran).
#include "emulation_run.h"

#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace cmslab::emulatetest {
namespace {

using namespace std::chrono_literals;

TEST(EmulateLag, ReferenceWithOneAttachedHostRunsUnder10MsLateAtP99) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "lateness is a property of the Release build; the sanitizers slow every event";
#endif
    const std::string why = WhyNoEmulation();
    if (!why.empty())
        GTEST_SKIP() << why;
    if (!testkit::ProgramExists("curl"))
        GTEST_SKIP() << "curl is missing";
    testkit::TempDir dir("cmslab-emulate-lag");
    if (!testkit::ProgramExists("chrt"))
        GTEST_SKIP() << "chrt (util-linux) is missing";
    Emulation emulation("reference", dir.File("out"), {"guest-pc"}, 120, {"chrt", "-f", "10"});
    ASSERT_TRUE(emulation.WaitReady()) << emulation.Output();
    for (int i = 0; i < 10; ++i) {
        const auto curl =
            In("guest-pc", {"curl", "--silent", "--max-time", "20", "--cacert",
                            dir.File("out/ca/lab-ca.pem"), "--output", "/dev/null", "--write-out",
                            "%{http_code}", "https://cmsweb.octavio.com/"});
        EXPECT_EQ(curl.out, "200") << curl.err;
    }
    ASSERT_EQ(emulation.Stop(), 0) << emulation.Output();
    std::ifstream in(dir.File("out/summary.json"));
    const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    const nlohmann::json lag = summary["emulation"]["real_time_lag"];
    // A tick every 10 ms for the whole run: hundreds of samples even on a quick run.
    EXPECT_GT(lag.value("samples", 0), 50) << lag.dump();
    EXPECT_LT(lag.value("p99_ms", 1e9), 10.0) << lag.dump();
    EXPECT_GE(lag.value("max_ms", -1.0), lag.value("p99_ms", 0.0)) << lag.dump();
    EXPECT_NE(emulation.Process().Out().find("lag p99 "), std::string::npos) << emulation.Output();
}

} // namespace
} // namespace cmslab::emulatetest
