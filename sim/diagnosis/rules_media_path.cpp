// The media arrived, but not well enough for the guest (stage media failed on its loss or
// jitter figures): the segment whose capture shows the packets going missing, or the
// variation growing, is named from the captures alone.
#include "diagnosis/rules.h"

#include <cstdio>

namespace cmslab::diagnosis {

namespace {

struct WorstHop {
    const StreamPath* stream = nullptr;
    std::size_t hop = 0;
};

// The hop that lost the most packets; when none lost any, the one that added the most
// jitter (at least a millisecond: below that it is the lab's own scheduling).
std::optional<WorstHop> FindWorstHop(const std::vector<StreamPath>& streams) {
    std::optional<WorstHop> by_loss, by_jitter;
    for (const StreamPath& s : streams)
        for (std::size_t i = 0; i < s.hops.size(); ++i) {
            const PathHop& h = s.hops[i];
            if (h.lost > 0 && (!by_loss || h.lost > by_loss->stream->hops[by_loss->hop].lost))
                by_loss = WorstHop{&s, i};
            if (i > 0 && h.jitter_ms >= 1.0 &&
                (!by_jitter || h.jitter_ms > by_jitter->stream->hops[by_jitter->hop].jitter_ms))
                by_jitter = WorstHop{&s, i};
        }
    return by_loss ? by_loss : by_jitter;
}

// "once", "twice", "3 times".
std::string Times(std::size_t n) {
    return n == 1 ? "once" : n == 2 ? "twice" : std::to_string(n) + " times";
}

// "second", "third", "4th".
std::string Ordinal(std::size_t n) {
    return n == 2 ? "second" : n == 3 ? "third" : std::to_string(n) + "th";
}

std::string StreamName(const StreamPath& s) {
    char text[64];
    std::snprintf(text, sizeof text, "RTP stream SSRC=0x%08x", s.ssrc);
    return text;
}

} // namespace

std::optional<Finding> SegmentImpairsMedia(const RuleContext& ctx) {
    if (ctx.Stage(outcome::Stage::Media).status != outcome::StageStatus::Failed)
        return std::nullopt;
    auto worst = FindWorstHop(ctx.MediaPaths());
    if (!worst)
        return std::nullopt;
    const StreamPath& stream = *worst->stream;
    const PathHop& hop = stream.hops[worst->hop];
    const std::string segment = SegmentOf(hop.file);
    const std::string route =
        SegmentOf(stream.hops.front().file) + " -> " + SegmentOf(stream.hops.back().file);
    char figures[200];
    Finding f;
    if (hop.lost > 0) {
        const double percent = 100.0 * double(hop.lost) / double(hop.offered);
        if (worst->hop == 0)
            std::snprintf(figures, sizeof figures,
                          "%zu of %zu sequence numbers never appear on it (%.2f%%)", hop.lost,
                          hop.offered, percent);
        else if (stream.hops[worst->hop - 1].file == hop.file)
            // The same segment crossed again (the DMZ's hairpin through the NAT).
            std::snprintf(figures, sizeof figures,
                          "%zu of the %zu packets that crossed it %s never made the %s crossing "
                          "their path takes (%.2f%%)",
                          hop.lost, hop.offered, Times(hop.crossing - 1).c_str(),
                          Ordinal(hop.crossing).c_str(), percent);
        else
            std::snprintf(figures, sizeof figures,
                          "%zu of the %zu packets carried by the segment before it (%s) never "
                          "appear on it (%.2f%%)",
                          hop.lost, hop.offered,
                          SegmentOf(stream.hops[worst->hop - 1].file).c_str(), percent);
        f.cause = "segment_loses_media";
        f.summary = "The " + segment + " segment loses media: of the " + StreamName(stream) + " (" +
                    route + "), " + figures + ".";
        char current[64];
        std::snprintf(current, sizeof current, "%.2f%% of the stream's packets lost", percent);
        f.current = current;
        f.should_be = "a path that loses (almost) nothing: within what the guest accepts";
    } else {
        std::snprintf(figures, sizeof figures,
                      "its transit time from %s varies by %.2f ms (RFC 3550 jitter), mean %.2f ms",
                      SegmentOf(stream.hops[worst->hop - 1].file).c_str(), hop.jitter_ms,
                      hop.mean_transit_ms);
        f.cause = "segment_delays_media";
        f.summary = "The " + segment + " segment makes the media jitter: for the " +
                    StreamName(stream) + " (" + route + "), " + figures + ".";
        char current[64];
        std::snprintf(current, sizeof current, "%.2f ms of jitter added", hop.jitter_ms);
        f.current = current;
        f.should_be = "a path with less jitter than the guest accepts";
    }
    f.box = "network path (segment " + segment + ")";
    f.setting = "the path of the " + segment + " segment (its loss, delay and jitter)";
    f.where = "the link or provider on the " + segment +
              " segment; in a scenario, that network's loss_percent, delay_ms and jitter_ms";
    f.evidence.push_back(ctx.StageEvidence(outcome::Stage::Media));
    if (hop.lost > 0 && worst->hop > 0)
        f.evidence.push_back(Evidence::Packet(
            stream.hops[worst->hop - 1].file, hop.first_lost_frame,
            "RTP Seq=" + std::to_string(hop.first_lost_sequence) +
                " of the stream, last seen here: not on " + hop.file +
                (hop.crossing > 1 ? " a " + Ordinal(hop.crossing) + " time" : "")));
    return f;
}

} // namespace cmslab::diagnosis
