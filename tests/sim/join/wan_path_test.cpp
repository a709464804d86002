// Issue 14: segments that behave like Internet paths. The reference deployment with its
// public segment changed here: 150 ms one way carries the whole call (before, a CSMA
// channel of that delay carried about seven frames a second); 2 % loss and 20 ms of
// jitter show in the media stage's RFC 3550 figures, and beyond the guest's max_loss the
// stage fails with them and the diagnosis names the public segment from the captures
// (as Wireshark counts the packets); beyond max_jitter, the segment that adds the jitter.
#include "join_run.h"

#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

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

    // The round trip as the boxes measured it: the browser's TURN stage (challenge to
    // allocation) and media stage (its ICE checks on the selected pair, through both relays),
    // and the Call Bridge's own checks in its media line; each crosses the public path twice.
    auto figure = [](const std::string& text, const std::string& before) {
        std::smatch m;
        return std::regex_search(text, m, std::regex(before + " ([0-9.]+) ms"))
                   ? std::stod(m[1].str())
                   : -1.0;
    };
    const double turn_rtt = figure(run.Stage("turn").value("detail", ""), "round trip");
    EXPECT_GE(turn_rtt, 300.0) << run.Stage("turn");
    EXPECT_LT(turn_rtt, 310.0) << run.Stage("turn");
    const double media_rtt = figure(run.Stage("media").value("detail", ""), "round trip");
    EXPECT_GE(media_rtt, 300.0) << run.Stage("media");
    EXPECT_LT(media_rtt, 320.0) << run.Stage("media");
    EXPECT_GE(media["round_trip"].value("samples", 0), 1) << media;
    const std::string cms_log = testkit::ReadFile(run.Out("logs/cms.log"));
    const double cms_rtt =
        figure(cms_log, "media received: 500 of 500 packets, 0 lost \\(0.00%\\), "
                        "jitter [0-9.]+ ms, round trip");
    EXPECT_GE(cms_rtt, 300.0) << cms_log;
    EXPECT_LT(cms_rtt, 320.0) << cms_log;
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

    // The diagnosis names the public segment from the captures, and its count is
    // Wireshark's: the stream's sequence numbers (tshark's RTP heuristic finds them inside
    // ChannelData) on the DMZ capture that never appear on the public one.
    const json& causes = run.summary["diagnosis"]["causes"];
    ASSERT_FALSE(causes.empty()) << run.summary["diagnosis"];
    const json& cause = causes[0];
    EXPECT_EQ(cause["cause"], "segment_loses_media") << cause;
    EXPECT_EQ(cause["fix"]["box"], "network path (segment public)") << cause;
    const std::string summary = cause["summary"];
    std::smatch m;
    ASSERT_TRUE(std::regex_search(summary, m,
                                  std::regex("SSRC=(0x[0-9a-f]{8}) .* (\\d+) of the (\\d+) "
                                             "packets carried by the segment before it \\(dmz\\)")))
        << summary;
    auto sequences = [&](const std::string& capture) {
        std::set<long> seqs;
        for (const auto& row : TsharkFields(run.Out("pcap/" + capture), "rtp.ssrc==" + m[1].str(),
                                            {"rtp.seq"}, {"-o", "rtp.heuristic_rtp:TRUE"}))
            if (!row.empty())
                seqs.insert(std::stol(row));
        return seqs;
    };
    const auto dmz = sequences("dmz.pcap");
    const auto pub = sequences("public.pcap");
    ASSERT_FALSE(pub.empty());
    ASSERT_LT(*dmz.rbegin() - *dmz.begin(), 30000) << "the numbers wrapped: compare differently";
    // A packet after the last one the public capture saw was still on its way at the end.
    std::size_t offered = 0, missing = 0;
    for (long seq : dmz)
        if (seq <= *pub.rbegin()) {
            ++offered;
            missing += pub.count(seq) ? 0 : 1;
        }
    EXPECT_EQ(std::to_string(offered), m[3].str()) << summary;
    EXPECT_EQ(std::to_string(missing), m[2].str()) << summary;
    EXPECT_GT(missing, 0u);
}

// A long or crowded run keeps its captures small: media frames cut after the RTP header
// (network `capture: media_headers`), a segment not captured at all (`off`). The lossy path
// again: the same packets are found missing on the public segment as with full captures.
TEST(WanPath, MediaHeaderCapturesTellTheSameStoryInFewerBytes) {
    const json lossy = {{"loss_percent", 2}, {"jitter_ms", 20}, {"delay_ms", 10}};
    const EditedRun full = PathRun("wan-full", lossy, {{"max_loss_percent", 1}});
    const EditedRun cut = RunEditedReference("wan-cut", [&](json& scenario) {
        for (auto& net : scenario["networks"]) {
            net["capture"] = net["name"] == "internal" ? "off" : "media_headers";
            if (net["name"] == "public")
                net.update(lossy);
        }
        scenario["guest"]["media_quality"] = {{"max_loss_percent", 1}};
    });
    ASSERT_TRUE(full.summary.is_object()) << full.output;
    ASSERT_TRUE(cut.summary.is_object()) << cut.output;
    EXPECT_FALSE(std::filesystem::exists(cut.Out("pcap/internal.pcap")));
    EXPECT_LT(std::filesystem::file_size(cut.Out("pcap/public.pcap")),
              std::filesystem::file_size(full.Out("pcap/public.pcap")));
    EXPECT_TRUE(testkit::TsharkWarnings(cut.Out("pcap/public.pcap")).empty());
    // The figures of the finding, from "N of the M packets carried by ... (dmz)".
    auto figures = [](const EditedRun& run) {
        const std::string summary = run.summary["diagnosis"]["causes"][0].value("summary", "");
        std::smatch m;
        std::regex_search(summary, m,
                          std::regex("\\d+ of the \\d+ packets carried by the "
                                     "segment before it \\(dmz\\)"));
        return m.str();
    };
    EXPECT_FALSE(figures(full).empty()) << full.summary["diagnosis"];
    EXPECT_EQ(figures(cut), figures(full)) << cut.summary["diagnosis"];
}

TEST(WanPath, JitterBeyondTheGuestsLimitIsChargedToTheSegmentThatAddsIt) {
    // No loss, so the segment is found by the variation of each packet's transit time.
    const EditedRun run =
        PathRun("wan-jitter", {{"jitter_ms", 30}, {"delay_ms", 40}}, {{"max_jitter_ms", 2}});
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    ASSERT_EQ(run.Stage("media").value("status", ""), "failed") << run.Stage("media");
    const json& causes = run.summary["diagnosis"]["causes"];
    ASSERT_FALSE(causes.empty()) << run.summary["diagnosis"];
    EXPECT_EQ(causes[0]["cause"], "segment_delays_media") << causes[0];
    EXPECT_EQ(causes[0]["fix"]["box"], "network path (segment public)") << causes[0];
}

// The relayed media crosses the DMZ three times (into the Expressway-E, out to the
// firewall's NAT, back in from it): a packet the DMZ drops on a later crossing has been
// on the DMZ capture before. It is the DMZ's loss, not the next segment's; Wireshark's
// count agrees (how often each sequence number appears on the DMZ capture).
TEST(WanPath, ALossOnTheDmzsHairpinIsChargedToTheDmzNotToTheNextSegment) {
    const EditedRun run = RunEditedReference("wan-dmz-loss", [&](json& scenario) {
        for (auto& net : scenario["networks"])
            if (net["name"] == "dmz")
                net["loss_percent"] = 3;
        scenario["guest"]["media_quality"] = {{"max_loss_percent", 1}};
    });
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    ASSERT_EQ(run.Stage("media").value("status", ""), "failed") << run.Stage("media");
    const json& causes = run.summary["diagnosis"]["causes"];
    ASSERT_FALSE(causes.empty()) << run.summary["diagnosis"];
    EXPECT_EQ(causes[0]["cause"], "segment_loses_media") << causes[0];
    EXPECT_EQ(causes[0]["fix"]["box"], "network path (segment dmz)") << causes[0];
    const std::string summary = causes[0]["summary"];
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        summary, m,
        std::regex("SSRC=(0x[0-9a-f]{8}) .* (\\d+) of the (\\d+) packets that crossed it "
                   "(once|twice) never made the (second|third) crossing")))
        << summary;
    const int before = m[4].str() == "once" ? 1 : 2;
    std::map<long, int> times; // sequence number -> sightings on the DMZ capture
    for (const auto& row : TsharkFields(run.Out("pcap/dmz.pcap"), "rtp.ssrc==" + m[1].str(),
                                        {"rtp.seq"}, {"-o", "rtp.heuristic_rtp:TRUE"}))
        if (!row.empty())
            ++times[std::stol(row)];
    ASSERT_FALSE(times.empty());
    ASSERT_LT(times.rbegin()->first - times.begin()->first, 30000) << "wrapped: count differently";
    long last_after = 0; // the last packet that made the later crossing
    for (const auto& [seq, n] : times)
        if (n > before)
            last_after = seq;
    std::size_t offered = 0, missing = 0;
    for (const auto& [seq, n] : times)
        if (n >= before && seq <= last_after) {
            ++offered;
            missing += n == before ? 1 : 0;
        }
    EXPECT_EQ(std::to_string(offered), m[3].str()) << summary;
    EXPECT_EQ(std::to_string(missing), m[2].str()) << summary;
    EXPECT_GT(missing, 0u);
}

} // namespace
} // namespace cmslab::jointest
