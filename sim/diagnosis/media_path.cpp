#include "diagnosis/media_path.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <utility>

namespace cmslab::diagnosis {

namespace {

struct Sight {
    std::size_t capture = 0;
    std::int64_t time_us = 0;
    std::size_t number = 0;
};

// One packet (an SSRC's extended sequence number) until it settles: its sightings in the
// order they came, a capture's second sighting of it being its second crossing there.
struct Packet {
    std::int64_t first_us = 0;
    std::vector<Sight> sights;
};

// One hop of a stream (a capture, a crossing of it): what FirstHop reports.
struct Hop {
    std::size_t capture = 0;
    std::size_t crossing = 1;
    std::size_t seen = 0;
    std::int64_t lowest = 0, highest = 0; // extended sequence numbers
    std::size_t lowest_frame = 0;
    bool gap = false;
    std::uint16_t first_gap = 0;
};

// What the packets of hop `a` became on hop `b` (NextHop's figures), packets taken in
// order of sequence number. A packet of `a` counts as offered to `b` only once `b` has
// shown a later one: those after `b`'s last may still have been on their way at the end.
struct Pair {
    std::size_t offered = 0, lost = 0, first_lost_frame = 0;
    std::uint16_t first_lost_sequence = 0;
    std::size_t pending_offered = 0, pending_lost = 0, pending_frame = 0;
    std::uint16_t pending_sequence = 0;
    std::size_t common = 0;
    double previous_transit = 0, jitter = 0, transit_sum = 0;

    void Missing(std::size_t frame, std::uint16_t sequence) {
        ++pending_offered;
        if (pending_lost++ == 0) {
            pending_frame = frame;
            pending_sequence = sequence;
        }
    }
    void Arrived(bool offered_too, double transit_ms) {
        if (lost == 0 && pending_lost > 0) {
            first_lost_frame = pending_frame;
            first_lost_sequence = pending_sequence;
        }
        offered += pending_offered + (offered_too ? 1 : 0);
        lost += pending_lost;
        pending_offered = pending_lost = 0;
        if (!offered_too)
            return;
        if (common > 0)
            jitter += (std::abs(transit_ms - previous_transit) - jitter) / 16.0;
        previous_transit = transit_ms;
        transit_sum += transit_ms;
        ++common;
    }
};

// The extended sequence number nearest the highest so far (RFC 3550 A.1's idea).
std::int64_t Extend(std::int64_t highest, std::uint16_t sequence) {
    std::int64_t extended = (highest & ~std::int64_t(0xFFFF)) + sequence;
    if (extended - highest > 0x8000)
        extended -= 0x10000;
    else if (highest - extended > 0x8000)
        extended += 0x10000;
    return extended;
}

} // namespace

struct MediaPathTracer::Stream {
    std::map<std::int64_t, Packet> pending; // by extended sequence number
    std::vector<Hop> hops;
    std::vector<std::vector<Pair>> pairs; // [a][b]

    std::size_t HopOf(std::size_t capture, std::size_t crossing) {
        for (std::size_t i = 0; i < hops.size(); ++i)
            if (hops[i].capture == capture && hops[i].crossing == crossing)
                return i;
        // A hop that appears late missed every packet its elders settled before it.
        for (std::size_t a = 0; a < hops.size(); ++a) {
            Pair p;
            p.pending_offered = p.pending_lost = hops[a].seen;
            p.pending_frame = hops[a].lowest_frame;
            p.pending_sequence = std::uint16_t(hops[a].lowest & 0xFFFF);
            pairs[a].push_back(p);
        }
        hops.push_back(Hop{capture, crossing});
        pairs.emplace_back(hops.size());
        return hops.size() - 1;
    }

    void Settle(std::int64_t sequence, const Packet& packet) {
        // Each sighting's hop, and its time and frame there.
        std::vector<std::size_t> at;
        std::vector<std::size_t> crossings;
        for (const Sight& s : packet.sights) {
            std::size_t crossing = 1;
            for (std::size_t i = 0; i < crossings.size(); ++i)
                if (packet.sights[i].capture == s.capture)
                    ++crossing;
            crossings.push_back(crossing);
            at.push_back(HopOf(s.capture, crossing));
        }
        std::vector<const Sight*> on(hops.size(), nullptr);
        for (std::size_t i = 0; i < at.size(); ++i)
            on[at[i]] = &packet.sights[i];
        for (std::size_t h = 0; h < hops.size(); ++h) {
            if (!on[h])
                continue;
            Hop& hop = hops[h];
            if (hop.seen == 0) {
                hop.lowest = hop.highest = sequence;
                hop.lowest_frame = on[h]->number;
            } else if (sequence < hop.lowest) {
                hop.lowest = sequence; // a packet that settled late: the range grows
                hop.lowest_frame = on[h]->number;
            } else if (sequence > hop.highest) {
                if (!hop.gap && sequence != hop.highest + 1) {
                    hop.gap = true;
                    hop.first_gap = std::uint16_t((hop.highest + 1) & 0xFFFF);
                }
                hop.highest = sequence;
            }
            ++hop.seen;
        }
        const auto seq16 = std::uint16_t(sequence & 0xFFFF);
        for (std::size_t a = 0; a < hops.size(); ++a)
            for (std::size_t b = 0; b < hops.size(); ++b) {
                if (a == b || (!on[a] && !on[b]))
                    continue;
                Pair& p = pairs[a][b];
                if (!on[b])
                    p.Missing(on[a]->number, seq16);
                else
                    p.Arrived(on[a] != nullptr,
                              on[a] ? double(on[b]->time_us - on[a]->time_us) / 1000.0 : 0.0);
            }
    }
};

MediaPathTracer::MediaPathTracer(std::vector<std::string> files, std::size_t min_packets)
    : m_files(std::move(files)), m_min_packets(min_packets), m_highest(m_files.size()) {}

MediaPathTracer::~MediaPathTracer() = default;

MediaPathTracer::Stream& MediaPathTracer::StreamOf(std::uint32_t ssrc) {
    return m_streams[ssrc];
}

void MediaPathTracer::Add(std::size_t capture, const RtpSighting& sighting) {
    if (capture >= m_files.size())
        return;
    m_now_us = std::max(m_now_us, sighting.time_us);
    auto [high, fresh] = m_highest[capture].emplace(sighting.ssrc, sighting.sequence);
    const std::int64_t extended =
        fresh ? sighting.sequence : Extend(high->second, sighting.sequence);
    high->second = std::max(high->second, extended);

    Stream& stream = StreamOf(sighting.ssrc);
    auto [it, added] = stream.pending.try_emplace(extended);
    if (added) {
        it->second.first_us = m_now_us;
        m_due.emplace_back(m_now_us, sighting.ssrc);
        ++m_pending_count;
    }
    it->second.sights.push_back(Sight{capture, sighting.time_us, sighting.number});

    while (!m_due.empty() && m_now_us - m_due.front().first > kSettleUs) {
        const std::uint32_t ssrc = m_due.front().second;
        m_due.pop_front();
        SettleDue(ssrc, m_now_us);
    }
}

// A stream's packets settle in order of sequence number: the lowest first, as long as
// it is due (one that came late waits for those before it).
void MediaPathTracer::SettleDue(std::uint32_t ssrc, std::int64_t now_us) {
    Stream& stream = StreamOf(ssrc);
    while (!stream.pending.empty() &&
           now_us - stream.pending.begin()->second.first_us > kSettleUs) {
        stream.Settle(stream.pending.begin()->first, stream.pending.begin()->second);
        stream.pending.erase(stream.pending.begin());
        --m_pending_count;
    }
}

std::vector<StreamPath> MediaPathTracer::Finish() {
    std::vector<StreamPath> out;
    for (auto& entry : m_streams) {
        // Named, not bound: a lambda below uses the stream (clang's C++17 does not
        // capture structured bindings).
        const std::uint32_t ssrc = entry.first;
        Stream& stream = entry.second;
        for (const auto& [sequence, packet] : stream.pending)
            stream.Settle(sequence, packet);
        m_pending_count -= stream.pending.size();
        stream.pending.clear();

        // The hops on the path: enough packets, and a further crossing of a capture only
        // with a quarter of the packets of the crossing before at least (TCP, retransmitting
        // a segment of framed ChannelData, shows a few packets twice: that is no crossing).
        std::vector<std::size_t> path;
        for (std::size_t h = 0; h < stream.hops.size(); ++h) {
            const Hop& hop = stream.hops[h];
            if (hop.seen < m_min_packets)
                continue;
            if (hop.crossing > 1) {
                const auto before =
                    std::find_if(stream.hops.begin(), stream.hops.end(), [&](const Hop& other) {
                        return other.capture == hop.capture && other.crossing == hop.crossing - 1;
                    });
                if (before == stream.hops.end() || hop.seen * 4 < before->seen)
                    continue;
            }
            path.push_back(h);
        }
        if (path.empty())
            continue;
        // The hop before first: ordered by how late each sees the packets it shares with
        // the others (for hops along one path, a sum that grows with the hop's delay).
        std::vector<std::pair<double, std::size_t>> lateness;
        for (std::size_t b : path) {
            double late = 0;
            for (std::size_t a : path) {
                const Pair& p = stream.pairs[a][b];
                if (a != b && p.common > 0)
                    late += p.transit_sum / double(p.common);
            }
            lateness.emplace_back(late, b);
        }
        std::sort(lateness.begin(), lateness.end(), [&](const auto& x, const auto& y) {
            const Hop& hx = stream.hops[x.second];
            const Hop& hy = stream.hops[y.second];
            return std::tie(x.first, hx.capture, hx.crossing) <
                   std::tie(y.first, hy.capture, hy.crossing);
        });

        StreamPath trace;
        trace.ssrc = ssrc;
        for (std::size_t k = 0; k < lateness.size(); ++k) {
            const Hop& hop = stream.hops[lateness[k].second];
            PathHop h;
            h.file = m_files[hop.capture];
            h.crossing = hop.crossing;
            h.seen = hop.seen;
            if (k == 0) {
                h.offered = std::size_t(hop.highest - hop.lowest + 1);
                h.lost = h.offered - hop.seen;
                if (hop.gap)
                    h.first_lost_sequence = hop.first_gap;
            } else {
                const Pair& p = stream.pairs[lateness[k - 1].second][lateness[k].second];
                h.offered = p.offered;
                h.lost = p.lost;
                h.first_lost_frame = p.first_lost_frame;
                h.first_lost_sequence = p.first_lost_sequence;
                if (p.common > 0)
                    h.mean_transit_ms = p.transit_sum / double(p.common);
                h.jitter_ms = p.jitter;
            }
            trace.hops.push_back(std::move(h));
        }
        out.push_back(std::move(trace));
    }
    m_streams.clear();
    m_due.clear();
    return out;
}

std::vector<StreamPath> TraceStreams(std::vector<std::string> files,
                                     std::vector<SightingSource> sources, std::size_t min_packets) {
    MediaPathTracer tracer(std::move(files), min_packets);
    std::vector<std::optional<RtpSighting>> next(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i)
        next[i] = sources[i]();
    while (true) {
        std::size_t pick = sources.size();
        for (std::size_t i = 0; i < sources.size(); ++i)
            if (next[i] && (pick == sources.size() || next[i]->time_us < next[pick]->time_us))
                pick = i;
        if (pick == sources.size())
            break;
        tracer.Add(pick, *next[pick]);
        next[pick] = sources[pick]();
    }
    return tracer.Finish();
}

std::vector<StreamPath> TraceStreams(const std::vector<CaptureRtp>& captures,
                                     std::size_t min_packets) {
    std::vector<std::string> files;
    std::vector<SightingSource> sources;
    for (const CaptureRtp& c : captures) {
        files.push_back(c.file);
        sources.push_back([&packets = c.packets, i = std::size_t{0}]() mutable {
            return i < packets.size() ? std::optional<RtpSighting>(packets[i++]) : std::nullopt;
        });
    }
    return TraceStreams(std::move(files), std::move(sources), min_packets);
}

std::string SegmentOf(const std::string& capture_file) {
    return std::filesystem::path(capture_file).stem().string();
}

} // namespace cmslab::diagnosis
