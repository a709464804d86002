// Issue 14: segments that behave like Internet paths. The reference deployment with its
// public segment changed here: 150 ms one way carries the whole call (before, a CSMA
// channel of that delay carried about seven frames a second); 2 % loss and 20 ms of
// jitter show in the media stage's RFC 3550 figures, and beyond the guest's max_loss the
// stage fails with them.
#include "join_run.h"

#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cmslab::jointest {
namespace {

using nlohmann::json;
using testkit::TsharkFields;

// The reference with its public segment's path changed and the guest's media limits.
EditedRun PathRun(const std::string& name, const json& public_path, const json& media_quality) {
    return RunEditedReference(name, [&](json& scenario) {
        for (auto& net : scenario["networks"])
            if (net["name"] == "public")
                net.update(public_path);
        if (!media_quality.empty())
            scenario["guest"]["media_quality"] = media_quality;
    });
}

TEST(WanPath, A150MsPublicPathCarriesTheWholeCall) {
    const EditedRun run = PathRun("wan-150ms", {{"delay_ms", 150}}, json::object());
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    for (const char* stage : {"http", "turn", "ice", "dtls", "media"})
        EXPECT_EQ(run.Stage(stage).value("status", ""), "ok") << stage << ": " << run.Stage(stage);
    const json& media = run.summary["media"];
    EXPECT_EQ(media["sent"]["packets"], 500) << media;
    // The CMS's whole stream arrived: 500 sequence numbers, none missing. The browser's
    // own count stops when it hangs up, 10 s after its media began, while the last 300 ms
    // of the CMS's stream (one round trip) are still on the way.
    EXPECT_EQ(media["reception"]["expected"], 500) << media;
    EXPECT_EQ(media["reception"]["lost"], 0) << media;
    EXPECT_GE(media["received"]["packets"].get<int>(), 500 - 300 / 20) << media;

    // The TURN challenge comes back across the path and back: on the guest's own segment
    // the 401 follows the Allocate by at least two public crossings.
    const auto rows = TsharkFields(run.Out("pcap/guest.pcap"),
                                   "udp.port==3478 && (stun.type==0x0003 || stun.type==0x0113)",
                                   {"frame.time_epoch", "stun.type"});
    ASSERT_GE(rows.size(), 2u);
    const auto ask = SplitFields(rows[0]);
    const auto answer = SplitFields(rows[1]);
    ASSERT_EQ(ask[1], "0x0003");
    ASSERT_EQ(answer[1], "0x0113");
    const auto rtt_ms = (EpochNanos(answer[0]) - EpochNanos(ask[0])) / 1000000;
    EXPECT_GE(rtt_ms, 300);
    EXPECT_LT(rtt_ms, 310);
}

TEST(WanPath, LossAndJitterShowInTheMediaStageAndMaxLossFailsIt) {
    const EditedRun run =
        PathRun("wan-lossy", {{"loss_percent", 2}, {"jitter_ms", 20}, {"delay_ms", 10}},
                {{"max_loss_percent", 1}});
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    const json& reception = run.summary["media"]["reception"];
    ASSERT_TRUE(reception.is_object()) << run.summary["media"];
    const double loss = reception["loss_percent"].get<double>();
    EXPECT_GE(loss, 1.0) << reception;
    EXPECT_LE(loss, 3.0) << reception;
    EXPECT_GT(reception["jitter_ms"].get<double>(), 1.0) << reception;
    EXPECT_EQ(run.Stage("media").value("status", ""), "failed") << run.Stage("media");
    const std::string detail = run.Stage("media").value("detail", "");
    EXPECT_NE(detail.find("beyond the guest's max_loss_percent 1"), std::string::npos) << detail;
    EXPECT_NE(detail.find("jitter"), std::string::npos) << detail;
}

} // namespace
} // namespace cmslab::jointest
