#include "ladder/ladder.h"

#include "diagnosis/results_folder.h"
#include "ladder/log_rows.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

namespace cmslab::ladder {

namespace {

using diagnosis::PcapPacket;

// A packet seen in one capture, with what it says.
struct Candidate {
    double t = 0;
    Sighting where;
    std::vector<Message> messages;
    // What a router or the NAT does not change: the same packet on another segment.
    std::tuple<std::uint8_t, std::uint16_t, std::uint16_t, std::uint16_t, std::uint32_t,
               std::size_t>
        key;
    bool unanswered = false; // a request whose answer this capture never shows
    std::size_t sent = 0;    // how often this capture shows the request
};

std::string PairText(const Sighting& s) {
    return s.src.ToString() + " > " + s.dst.ToString();
}

// Reads one capture: its packets that say something, with request/answer pairing done
// within the capture (a request is answered if the capture shows its answer).
// A deque: a capture of a long call has tens of thousands of candidates, which a vector
// would move at every growth.
std::deque<Candidate> ReadCapture(const std::string& dir, const std::string& capture,
                                  double start_epoch, std::vector<std::string>& notes) {
    std::deque<Candidate> out;
    auto reader = diagnosis::PcapReader::OpenFile(dir + "/" + capture);
    if (!reader) {
        notes.push_back(capture + " is not shown: " + reader.Message());
        return out;
    }
    CaptureDecoder decoder;
    std::set<std::string> answered;
    std::map<std::string, std::size_t> requests;
    // One packet at a time: only the packets that say something are kept.
    while (auto packet = reader->Next()) {
        const PcapPacket& p = *packet;
        std::vector<Message> messages = decoder.Decode(p);
        if (messages.empty())
            continue;
        Candidate c;
        c.t = double(p.ts_sec) + p.ts_usec / 1e6 - start_epoch;
        c.where = Sighting{capture, p.number, p.src, p.dst};
        if (p.transport == diagnosis::Transport::Other) {
            c.where.src = Endpoint{p.ip_src, 0};
            c.where.dst = Endpoint{p.ip_dst, 0};
        }
        c.key = {p.ip_protocol,
                 p.ip_id,
                 p.src.port,
                 p.dst.port,
                 p.tcp_seq,
                 std::hash<std::string_view>{}(std::string_view(
                     reinterpret_cast<const char*>(p.payload.data()), p.payload.size()))};
        for (const Message& m : messages) {
            if (m.transaction.empty())
                continue;
            if (m.answers)
                answered.insert(m.transaction);
            else
                ++requests[m.transaction];
        }
        c.messages = std::move(messages);
        out.push_back(std::move(c));
    }
    if (!reader->Truncated().empty())
        notes.push_back(capture + ": " + reader->Truncated());
    for (Candidate& c : out)
        for (const Message& m : c.messages)
            if (!m.transaction.empty() && !m.answers) {
                c.unanswered = !answered.count(m.transaction);
                c.sent = requests[m.transaction];
            }
    return out;
}

// The box at an address as the packet carried it; `real` says whether it is the box's
// own interface (not a NAT's outside address standing for the box behind it).
std::pair<std::string, bool> BoxAt(const DeploymentMap& map, const IpAddress& address) {
    auto box = map.BoxOf(address);
    if (!box)
        return {address.ToString(), false};
    return {*box, !map.NatByOutside(address)};
}

// The boxes a group of sightings of one packet went between, its sightings put in time
// order first (at the same instant, the sighting before the translation first).
struct GroupEnds {
    std::string from;
    std::string to;
};

GroupEnds SortAndFindEnds(const DeploymentMap& map, std::vector<Candidate*>& group) {
    auto rank = [&](const Candidate* c) {
        return std::make_tuple(c->t, map.NatByOutside(c->where.src.address) ? 1 : 0,
                               map.NatByOutside(c->where.dst.address) ? 0 : 1);
    };
    std::stable_sort(group.begin(), group.end(),
                     [&](const Candidate* a, const Candidate* b) { return rank(a) < rank(b); });
    // The sender and the receiver are the boxes whose own addresses the packet carried;
    // a NAT outside address stands for its firewall only when the packet went no
    // further (the firewall dropped it).
    std::pair<std::string, bool> from{"", false}, to{"", false};
    for (const Candidate* c : group) {
        auto s = BoxAt(map, c->where.src.address);
        auto d = BoxAt(map, c->where.dst.address);
        if (from.first.empty() || (!from.second && s.second))
            from = std::move(s);
        if (to.first.empty() || (!to.second && d.second))
            to = std::move(d);
    }
    return {std::move(from.first), std::move(to.first)};
}

// One arrow per message of a group of sightings of one packet (sorted by
// SortAndFindEnds); `folded`: RTP packets of its stream left out after it.
void AddArrows(const std::vector<Candidate*>& group, const GroupEnds& ends, std::size_t folded,
               std::vector<Arrow>& arrows) {
    Arrow base;
    base.t = group.front()->t;
    base.from = ends.from;
    base.to = ends.to;
    base.folded = folded;
    bool unanswered = true;
    std::size_t sent = 0;
    for (const Candidate* c : group) {
        base.seen.push_back(c->where);
        const std::string pair = PairText(c->where);
        if (std::find(base.address_pairs.begin(), base.address_pairs.end(), pair) ==
            base.address_pairs.end())
            base.address_pairs.push_back(pair);
        unanswered = unanswered && c->unanswered;
        sent = std::max(sent, c->sent);
    }
    for (const Message& m : group.front()->messages) {
        Arrow a = base;
        a.kind = m.kind;
        a.label = m.label;
        a.error = m.error;
        a.error_text = m.error_text;
        if (!m.transaction.empty() && !m.answers && unanswered) {
            if (sent >= 2) {
                a.label += " (sent " + std::to_string(sent) + " times, never answered)";
                a.error = true;
                a.error_text = "a retransmitted request that never got an answer";
            } else {
                a.label += " (no answer)";
            }
        }
        arrows.push_back(std::move(a));
    }
}

// An RTP stream on one hop: its boxes and the label up to the sequence number
// ("ChannelData 0x4000: RTP PT=0 SSRC=0x... Seq=7": the hop's framing and the SSRC).
using RtpStreamKey = std::tuple<std::string, std::string, std::string>;

RtpStreamKey StreamOf(const std::string& from, const std::string& to, const std::string& label) {
    return {from, to, label.substr(0, label.find(" Seq="))};
}

// FoldRtp's work done on the groups before their arrows exist, so that a long call does
// not build an arrow per media packet only to drop it: the same first and last of each
// stream, the same count. Only for groups of one message each; `drop` and `folded` per
// group.
void FoldRtpGroups(const std::vector<std::vector<Candidate*>>& groups,
                   const std::vector<GroupEnds>& ends, std::vector<bool>& drop,
                   std::vector<std::size_t>& folded) {
    std::map<RtpStreamKey, std::vector<std::size_t>> streams;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const Message& m = groups[i].front()->messages.front();
        if (m.kind == MessageKind::Rtp)
            streams[StreamOf(ends[i].from, ends[i].to, m.label)].push_back(i);
    }
    for (auto& [key, indices] : streams) {
        if (indices.size() < 3)
            continue;
        folded[indices.front()] = indices.size() - 2;
        for (std::size_t k = 1; k + 1 < indices.size(); ++k)
            drop[indices[k]] = true;
    }
}

// Keeps the first and the last packet of each RTP stream on each hop, and counts the
// ones between on the first.
void FoldRtp(std::vector<Arrow>& arrows) {
    std::map<RtpStreamKey, std::vector<std::size_t>> streams;
    for (std::size_t i = 0; i < arrows.size(); ++i) {
        if (arrows[i].kind != MessageKind::Rtp)
            continue;
        streams[StreamOf(arrows[i].from, arrows[i].to, arrows[i].label)].push_back(i);
    }
    std::vector<bool> drop(arrows.size(), false);
    for (auto& [key, indices] : streams) {
        if (indices.size() < 3)
            continue;
        arrows[indices.front()].folded = indices.size() - 2;
        for (std::size_t k = 1; k + 1 < indices.size(); ++k)
            drop[indices[k]] = true;
    }
    std::vector<Arrow> kept;
    kept.reserve(arrows.size() -
                 static_cast<std::size_t>(std::count(drop.begin(), drop.end(), true)));
    for (std::size_t i = 0; i < arrows.size(); ++i)
        if (!drop[i])
            kept.push_back(std::move(arrows[i]));
    arrows = std::move(kept);
}

// Whether two addresses are the same host as a packet crossing the NAT shows it: equal,
// or a static NAT mapping's two sides.
bool SameHost(const DeploymentMap& map, const IpAddress& a, const IpAddress& b) {
    if (a == b)
        return true;
    for (const NatMapping& n : map.Nat())
        if ((n.outside == a && n.inside == b) || (n.outside == b && n.inside == a))
            return true;
    return false;
}

bool SamePacket(const DeploymentMap& map, const Sighting& a, const Sighting& b) {
    return SameHost(map, a.src.address, b.src.address) &&
           SameHost(map, a.dst.address, b.dst.address);
}

} // namespace

const Arrow* Ladder::ArrowOfFrame(const std::string& capture, std::size_t frame) const {
    for (const Arrow& a : arrows)
        for (const Sighting& s : a.seen)
            if (s.capture == capture && s.frame == frame)
                return &a;
    return nullptr;
}

Expected<Ladder> BuildLadder(const std::string& dir, const Options& options) {
    auto folder = diagnosis::ResultsFolder::Open(dir);
    if (!folder)
        return Error{folder.Message()};
    auto map = DeploymentMap::Read(dir + "/topology.dot");
    if (!map)
        return Error{map.Message()};
    const double start_epoch = StartEpoch(folder->Summary());

    Ladder ladder;
    for (const Box& b : map->Boxes()) {
        Column c{b.name, b.role, {}};
        for (const BoxInterface& i : b.interfaces)
            c.addresses.push_back(i.name + " " + i.address.ToString());
        for (const NatMapping& n : map->Nat())
            if (n.firewall == b.name)
                c.addresses.push_back("NAT " + n.outside.ToString() + " <-> " +
                                      n.inside.ToString() + " (" + n.inside_box + ")");
        ladder.columns.push_back(std::move(c));
    }

    std::vector<std::deque<Candidate>> per_capture;
    std::size_t read = 0;
    std::size_t total = 0;
    for (const std::string& capture : folder->Captures()) {
        const std::size_t before = ladder.notes.size();
        per_capture.push_back(ReadCapture(dir, capture, start_epoch, ladder.notes));
        if (ladder.notes.size() == before || !per_capture.back().empty())
            ++read;
        total += per_capture.back().size();
    }
    std::vector<Candidate> all;
    all.reserve(total);
    for (auto& packets : per_capture)
        std::move(packets.begin(), packets.end(), std::back_inserter(all));
    per_capture.clear();
    if (read == 0)
        return Error{dir + ": no capture to read in pcap/"};
    std::stable_sort(all.begin(), all.end(),
                     [](const Candidate& a, const Candidate& b) { return a.t < b.t; });

    // Sightings of one packet: the same key, within half a second of the previous
    // sighting, on another segment or with other addresses (a NAT's reflection passes
    // the same segment twice).
    constexpr double kSameWindow = 0.5;
    std::vector<std::vector<Candidate*>> groups;
    std::map<decltype(Candidate::key), std::size_t> open;
    for (Candidate& c : all) {
        auto it = open.find(c.key);
        if (it != open.end()) {
            std::vector<Candidate*>& g = groups[it->second];
            const bool near = c.t - g.back()->t <= kSameWindow;
            const bool elsewhere = std::none_of(g.begin(), g.end(), [&](const Candidate* o) {
                return o->where.capture == c.where.capture && o->where.src == c.where.src &&
                       o->where.dst == c.where.dst;
            });
            // Two hosts may send alike (ns-3 numbers IP packets per destination from 0, and
            // starts TCP sequences at 0): the addresses must agree, up to the NAT.
            if (near && elsewhere && SamePacket(*map, g.front()->where, c.where)) {
                g.push_back(&c);
                continue;
            }
        }
        open[c.key] = groups.size();
        groups.push_back({&c});
    }
    std::vector<GroupEnds> ends;
    ends.reserve(groups.size());
    for (auto& g : groups)
        ends.push_back(SortAndFindEnds(*map, g));
    // RTP folded on the groups when every group that carries RTP is one message (a UDP
    // datagram is); otherwise on the arrows, as they come.
    const bool fold_groups =
        !options.media && std::none_of(groups.begin(), groups.end(), [](const auto& g) {
            const auto& messages = g.front()->messages;
            return messages.size() > 1 &&
                   std::any_of(messages.begin(), messages.end(),
                               [](const Message& m) { return m.kind == MessageKind::Rtp; });
        });
    std::vector<bool> drop(groups.size(), false);
    std::vector<std::size_t> folded(groups.size(), 0);
    if (fold_groups)
        FoldRtpGroups(groups, ends, drop, folded);
    ladder.arrows.reserve(groups.size() -
                          static_cast<std::size_t>(std::count(drop.begin(), drop.end(), true)));
    for (std::size_t i = 0; i < groups.size(); ++i)
        if (!drop[i])
            AddArrows(groups[i], ends[i], folded[i], ladder.arrows);

    for (Arrow& a : HttpRowsFromLogs(*folder, *map, start_epoch))
        ladder.arrows.push_back(std::move(a));
    std::stable_sort(ladder.arrows.begin(), ladder.arrows.end(),
                     [](const Arrow& a, const Arrow& b) { return a.t < b.t; });
    if (!options.media && !fold_groups)
        FoldRtp(ladder.arrows);
    for (std::size_t i = 0; i < ladder.arrows.size(); ++i)
        ladder.arrows[i].id = "a" + std::to_string(i + 1);

    ladder.notes.push_back(
        "HTTP rows come from the boxes' logs (marked \"log\"): the captures carry HTTP inside "
        "TLS and the lab does not decrypt TLS records itself; `tshark -o "
        "tls.keylog_file:sslkeys.log` shows the decrypted requests.");
    ladder.notes.push_back("The WebSocket upgrade is not shown: it travels encrypted and no "
                           "box's log records it.");
    return ladder;
}

nlohmann::json ToJson(const Ladder& ladder) {
    nlohmann::json j;
    j["columns"] = nlohmann::json::array();
    for (const Column& c : ladder.columns)
        j["columns"].push_back({{"box", c.box}, {"role", c.role}, {"addresses", c.addresses}});
    j["arrows"] = nlohmann::json::array();
    for (const Arrow& a : ladder.arrows) {
        nlohmann::json seen = nlohmann::json::array();
        for (const Sighting& s : a.seen)
            seen.push_back({{"capture", s.capture}, {"frame", s.frame}});
        nlohmann::json arrow = {{"id", a.id},
                                {"t", a.t},
                                {"from", a.from},
                                {"to", a.to},
                                {"kind", MessageKindName(a.kind)},
                                {"label", a.label},
                                {"error", a.error},
                                {"seen", seen},
                                {"address_pairs", a.address_pairs}};
        if (a.error)
            arrow["error_text"] = a.error_text;
        if (!a.log.empty())
            arrow["log"] = a.log;
        if (a.folded)
            arrow["folded"] = a.folded;
        j["arrows"].push_back(std::move(arrow));
    }
    j["notes"] = ladder.notes;
    return j;
}

} // namespace cmslab::ladder
