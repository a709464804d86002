#include "diagnosis/media_path.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace cmslab::diagnosis {

namespace {

struct Seen {
    std::int64_t time_us = 0;
    std::size_t number = 0;
};

// One capture's view of one stream: each sequence number's first sighting, keyed by the
// extended (unwrapped) sequence number in the order the capture saw them.
using StreamView = std::map<std::int64_t, Seen>;

std::map<std::uint32_t, StreamView> ViewsOf(const std::vector<RtpSighting>& packets) {
    std::map<std::uint32_t, StreamView> views;
    std::map<std::uint32_t, std::int64_t> highest; // extended, per SSRC
    for (const RtpSighting& p : packets) {
        auto it = highest.find(p.ssrc);
        std::int64_t extended = p.sequence;
        if (it != highest.end()) {
            // The extended number nearest the highest so far (RFC 3550 A.1's idea).
            const std::int64_t base = it->second & ~std::int64_t(0xFFFF);
            extended = base + p.sequence;
            if (extended - it->second > 0x8000)
                extended -= 0x10000;
            else if (it->second - extended > 0x8000)
                extended += 0x10000;
            it->second = std::max(it->second, extended);
        } else {
            highest[p.ssrc] = extended;
        }
        views[p.ssrc].emplace(extended, Seen{p.time_us, p.number});
    }
    return views;
}

// The segment before first: captures ordered by how late, on average, they see the
// packets they share with the earliest sighting of each.
std::vector<std::size_t> OrderAlongPath(const std::vector<const StreamView*>& views) {
    std::map<std::int64_t, std::int64_t> earliest;
    for (const StreamView* v : views)
        for (const auto& [seq, seen] : *v) {
            auto [it, fresh] = earliest.emplace(seq, seen.time_us);
            if (!fresh)
                it->second = std::min(it->second, seen.time_us);
        }
    std::vector<std::pair<double, std::size_t>> lateness;
    for (std::size_t i = 0; i < views.size(); ++i) {
        double sum = 0;
        for (const auto& [seq, seen] : *views[i])
            sum += double(seen.time_us - earliest[seq]);
        lateness.emplace_back(sum / double(views[i]->size()), i);
    }
    std::sort(lateness.begin(), lateness.end());
    std::vector<std::size_t> order;
    for (const auto& l : lateness)
        order.push_back(l.second);
    return order;
}

PathHop FirstHop(const std::string& file, const StreamView& view) {
    PathHop hop;
    hop.file = file;
    hop.seen = view.size();
    hop.offered = std::size_t(view.rbegin()->first - view.begin()->first + 1);
    hop.lost = hop.offered - hop.seen;
    std::int64_t expected = view.begin()->first;
    for (const auto& entry : view) {
        if (entry.first != expected) {
            hop.first_lost_sequence = std::uint16_t(expected & 0xFFFF);
            break;
        }
        ++expected;
    }
    return hop;
}

PathHop NextHop(const std::string& file, const StreamView& before, const StreamView& here) {
    PathHop hop;
    hop.file = file;
    hop.seen = here.size();
    // A packet the segment before carried after the last one seen here may still have been
    // on its way when the run ended: only packets up to the last one seen here count.
    const std::int64_t last_here = here.rbegin()->first;
    double previous_transit = 0, jitter = 0, transit_sum = 0;
    std::size_t common = 0;
    for (const auto& [seq, seen] : before) {
        if (seq > last_here)
            break;
        ++hop.offered;
        auto it = here.find(seq);
        if (it == here.end()) {
            if (hop.lost++ == 0) {
                hop.first_lost_frame = seen.number;
                hop.first_lost_sequence = std::uint16_t(seq & 0xFFFF);
            }
            continue;
        }
        const double transit = double(it->second.time_us - seen.time_us) / 1000.0;
        if (common > 0)
            jitter += (std::abs(transit - previous_transit) - jitter) / 16.0;
        previous_transit = transit;
        transit_sum += transit;
        ++common;
    }
    if (common > 0)
        hop.mean_transit_ms = transit_sum / double(common);
    hop.jitter_ms = jitter;
    return hop;
}

} // namespace

std::vector<StreamPath> TraceStreams(const std::vector<CaptureRtp>& captures,
                                     std::size_t min_packets) {
    std::vector<std::map<std::uint32_t, StreamView>> per_capture;
    std::set<std::uint32_t> ssrcs;
    for (const CaptureRtp& c : captures) {
        per_capture.push_back(ViewsOf(c.packets));
        for (const auto& entry : per_capture.back())
            ssrcs.insert(entry.first);
    }
    std::vector<StreamPath> streams;
    for (std::uint32_t ssrc : ssrcs) {
        std::vector<const StreamView*> views;
        std::vector<std::size_t> files;
        for (std::size_t i = 0; i < captures.size(); ++i) {
            auto it = per_capture[i].find(ssrc);
            if (it != per_capture[i].end() && it->second.size() >= min_packets) {
                views.push_back(&it->second);
                files.push_back(i);
            }
        }
        if (views.empty())
            continue;
        StreamPath path;
        path.ssrc = ssrc;
        const std::vector<std::size_t> order = OrderAlongPath(views);
        for (std::size_t k = 0; k < order.size(); ++k) {
            const std::string& file = captures[files[order[k]]].file;
            path.hops.push_back(k == 0 ? FirstHop(file, *views[order[k]])
                                       : NextHop(file, *views[order[k - 1]], *views[order[k]]));
        }
        streams.push_back(std::move(path));
    }
    return streams;
}

std::string SegmentOf(const std::string& capture_file) {
    return std::filesystem::path(capture_file).stem().string();
}

} // namespace cmslab::diagnosis
