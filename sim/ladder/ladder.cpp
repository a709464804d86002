#include "ladder/ladder.h"

#include "diagnosis/results_folder.h"
#include "ladder/capture_cursor.h"
#include "ladder/log_rows.h"
#include "ladder/rtp_fold.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace cmslab::ladder {

namespace {

using detail::Candidate;
using detail::CaptureCursor;
using detail::OrderedArrow;

// The box at an address as the packet carried it: its name (nullptr for an address no
// box has), and whether it is the box's own interface (not a NAT's outside address
// standing for the box behind it).
struct Place {
    const std::string* box = nullptr;
    bool real = false;
    const IpAddress* address = nullptr;

    std::string Name() const { return box ? *box : address->ToString(); }
};

Place PlaceOf(const DeploymentMap& map, const IpAddress& address) {
    const std::string* box = map.BoxOf(address);
    return {box, box != nullptr && !map.NatByOutside(address), &address};
}

// The boxes a group of sightings of one packet went between, its sightings put in time
// order first (at the same instant, the sighting before the translation first).
struct GroupEnds {
    std::string from;
    std::string to;
};

GroupEnds SortAndFindEnds(const DeploymentMap& map, std::vector<Candidate>& group) {
    // The captures are read in time order, so a group mostly comes sorted already.
    using Rank = std::tuple<double, int, int>;
    std::vector<std::pair<Rank, std::size_t>> ranks;
    ranks.reserve(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
        const Candidate& c = group[i];
        ranks.emplace_back(Rank{c.t, map.NatByOutside(c.src.address) ? 1 : 0,
                                map.NatByOutside(c.dst.address) ? 0 : 1},
                           i);
    }
    auto by_rank = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(ranks.begin(), ranks.end(), by_rank)) {
        std::stable_sort(ranks.begin(), ranks.end(), by_rank);
        std::vector<Candidate> sorted;
        sorted.reserve(group.size());
        for (const auto& r : ranks)
            sorted.push_back(std::move(group[r.second]));
        group = std::move(sorted);
    }
    // The sender and the receiver are the boxes whose own addresses the packet carried;
    // a NAT outside address stands for its firewall only when the packet went no
    // further (the firewall dropped it).
    Place from, to;
    for (const Candidate& c : group) {
        const Place s = PlaceOf(map, c.src.address);
        const Place d = PlaceOf(map, c.dst.address);
        if (!from.address || (!from.real && s.real))
            from = s;
        if (!to.address || (!to.real && d.real))
            to = d;
    }
    return {from.Name(), to.Name()};
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

bool SamePacket(const DeploymentMap& map, const Candidate& a, const Candidate& b) {
    return SameHost(map, a.src.address, b.src.address) &&
           SameHost(map, a.dst.address, b.dst.address);
}

// A request's arrow waits for the end of the captures: whether any capture showed its
// answer, and how often, is known only then.
struct PendingRequest {
    std::size_t arrow = 0;                                  // index in the drawn arrows
    std::vector<std::pair<std::size_t, std::string>> asked; // (capture, request) per sighting
};

// Sightings of one packet: the same key, within half a second of the previous sighting,
// on another segment or with other addresses (a NAT's reflection passes the same segment
// twice). Groups are drawn in the order they were opened, each once no later packet can
// join it, so that only the last half second of the captures is held.
class Grouper {
  public:
    Grouper(const DeploymentMap& map, const std::vector<std::string>& captures,
            const Options& options)
        : m_map(map), m_captures(captures), m_options(options) {}

    void Add(Candidate c) {
        DrawClosed(c.t);
        auto it = m_open.find(c.key);
        if (it != m_open.end()) {
            std::vector<Candidate>& g = m_pending[it->second - m_first].sightings;
            const bool near = c.t - g.back().t <= kSameWindow;
            const bool elsewhere = std::none_of(g.begin(), g.end(), [&](const Candidate& o) {
                return o.capture == c.capture && o.src == c.src && o.dst == c.dst;
            });
            // Two hosts may send alike (ns-3 numbers IP packets per destination from 0, and
            // starts TCP sequences at 0): the addresses must agree, up to the NAT.
            if (near && elsewhere && SamePacket(m_map, g.front(), c)) {
                g.push_back(std::move(c));
                return;
            }
        }
        m_open[c.key] = m_first + m_pending.size();
        m_pending.emplace_back().sightings.push_back(std::move(c));
    }

    // How many arrows were built (folded ones too): the next arrow's order.
    std::size_t Built() const { return m_order; }

    // Draws what is left; the arrows (RTP folded unless Options::media) and the requests
    // still to be marked.
    std::vector<OrderedArrow> Finish(std::vector<PendingRequest>& requests) {
        DrawClosed(std::numeric_limits<double>::infinity());
        m_fold.Finish([this](RtpDraft& d) { return ArrowOf(*d.group, d.message, d.order); },
                      m_drawn);
        requests = std::move(m_requests);
        return std::move(m_drawn);
    }

  private:
    static constexpr double kSameWindow = 0.5;
    struct KeyHash {
        std::size_t operator()(const decltype(Candidate::key)& k) const {
            // The payload's hash already tells most packets apart; the rest mixed in.
            std::size_t h = std::get<5>(k);
            for (std::size_t part :
                 {std::size_t(std::get<0>(k)), std::size_t(std::get<1>(k)),
                  std::size_t(std::get<2>(k)) << 16 | std::get<3>(k), std::size_t(std::get<4>(k))})
                h = h * 0x100000001b3ULL ^ part;
            return h;
        }
    };
    struct Group {
        std::vector<Candidate> sightings; // as seen, until drawn
    };

    // Draws the oldest groups that no packet at `now` or later can join.
    void DrawClosed(double now) {
        while (!m_pending.empty() && now - m_pending.front().sightings.back().t > kSameWindow) {
            Group g = std::move(m_pending.front());
            m_pending.pop_front();
            auto it = m_open.find(g.sightings.front().key);
            if (it != m_open.end() && it->second == m_first)
                m_open.erase(it);
            ++m_first;
            Draw(g.sightings);
        }
    }

    // A group once its sightings are in time order and its boxes known; shared by the
    // drafts of the RTP messages it carries.
    struct DrawnGroup {
        std::vector<Candidate> sightings;
        GroupEnds ends;
    };
    struct RtpDraft {
        std::shared_ptr<const DrawnGroup> group;
        std::size_t message = 0;
        std::size_t order = 0;
    };

    // One arrow per message of a group of sightings of one packet, RTP folded unless
    // Options::media asks for every packet.
    void Draw(std::vector<Candidate>& sightings) {
        GroupEnds ends = SortAndFindEnds(m_map, sightings);
        auto group =
            std::make_shared<const DrawnGroup>(DrawnGroup{std::move(sightings), std::move(ends)});
        const std::vector<Message>& messages = group->sightings.front().messages;
        for (std::size_t i = 0; i < messages.size(); ++i) {
            const Message& m = messages[i];
            const std::size_t order = m_order++;
            if (m.kind == MessageKind::Rtp && m.transaction.empty() && !m_options.media) {
                if (RtpDraft* slot =
                        m_fold.Add(group->ends.from, group->ends.to, m.label, m_drawn.size())) {
                    *slot = RtpDraft{group, i, order};
                    continue;
                }
            } else if (!m.transaction.empty() && !m.answers) {
                PendingRequest r{m_drawn.size(), {}};
                for (const Candidate& c : group->sightings)
                    r.asked.emplace_back(c.capture, c.request);
                m_requests.push_back(std::move(r));
            }
            m_drawn.push_back(ArrowOf(*group, i, order));
        }
    }

    OrderedArrow ArrowOf(const DrawnGroup& group, std::size_t message, std::size_t order) const {
        const Message& m = group.sightings.front().messages[message];
        OrderedArrow a;
        a.order = order;
        a.arrow.t = group.sightings.front().t;
        a.arrow.from = group.ends.from;
        a.arrow.to = group.ends.to;
        for (const Candidate& c : group.sightings) {
            a.arrow.seen.push_back(Sighting{m_captures[c.capture], c.frame, c.src, c.dst});
            std::string pair = c.src.ToString() + " > " + c.dst.ToString();
            auto& pairs = a.arrow.address_pairs;
            if (std::find(pairs.begin(), pairs.end(), pair) == pairs.end())
                pairs.push_back(std::move(pair));
        }
        a.arrow.kind = m.kind;
        a.arrow.label = m.label;
        a.arrow.error = m.error;
        a.arrow.error_text = m.error_text;
        return a;
    }

    const DeploymentMap& m_map;
    const std::vector<std::string>& m_captures;
    const Options& m_options;
    std::deque<Group> m_pending;
    std::size_t m_first = 0; // the number of the group at the front of m_pending
    std::unordered_map<decltype(Candidate::key), std::size_t, KeyHash> m_open;
    std::size_t m_order = 0;
    std::vector<OrderedArrow> m_drawn;
    std::vector<PendingRequest> m_requests;
    detail::RtpFold<RtpDraft> m_fold;
};

// A request's arrow once every capture has ended: a request no capture shows answered is
// marked, and red when it was sent more than once.
void MarkRequest(const PendingRequest& r, const std::vector<std::optional<CaptureCursor>>& cursors,
                 Arrow& arrow) {
    bool unanswered = true;
    std::size_t sent = 0;
    for (const auto& [capture, request] : r.asked) {
        // A sighting comes from a capture that opened.
        const CaptureCursor& cursor = *cursors[capture];
        unanswered = unanswered && !request.empty() && !cursor.Answered(request);
        if (!request.empty())
            sent = std::max(sent, cursor.TimesSent(request));
    }
    if (!unanswered)
        return;
    if (sent >= 2) {
        arrow.label += " (sent " + std::to_string(sent) + " times, never answered)";
        arrow.error = true;
        arrow.error_text = "a retransmitted request that never got an answer";
    } else {
        arrow.label += " (no answer)";
    }
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

    // The captures read side by side, the earliest packet first (at the same instant, the
    // capture listed first), as one time-ordered stream of sightings.
    const std::vector<std::string>& captures = folder->Captures();
    std::vector<std::optional<CaptureCursor>> cursors(captures.size());
    std::vector<std::string> capture_notes(captures.size());
    for (std::size_t i = 0; i < captures.size(); ++i) {
        auto cursor = CaptureCursor::Open(dir + "/" + captures[i], i, start_epoch);
        if (cursor)
            cursors[i] = std::move(*cursor);
        else
            capture_notes[i] = captures[i] + " is not shown: " + cursor.Message();
    }
    Grouper grouper(*map, captures, options);
    for (;;) {
        CaptureCursor* earliest = nullptr;
        for (auto& c : cursors)
            if (c && c->Peek() && (!earliest || c->Peek()->t < earliest->Peek()->t))
                earliest = &*c;
        if (!earliest)
            break;
        grouper.Add(earliest->Take());
    }
    std::size_t read = 0;
    for (std::size_t i = 0; i < captures.size(); ++i) {
        if (cursors[i] && !cursors[i]->Truncated().empty())
            capture_notes[i] = captures[i] + ": " + cursors[i]->Truncated();
        if (capture_notes[i].empty() || (cursors[i] && cursors[i]->ShowedAny()))
            ++read;
        if (!capture_notes[i].empty())
            ladder.notes.push_back(std::move(capture_notes[i]));
    }
    if (read == 0)
        return Error{dir + ": no capture to read in pcap/"};

    std::vector<PendingRequest> requests;
    std::vector<OrderedArrow> drawn = grouper.Finish(requests);
    std::size_t order = grouper.Built(); // the log rows after the packets' arrows
    for (const PendingRequest& r : requests)
        MarkRequest(r, cursors, drawn[r.arrow].arrow);
    for (Arrow& a : HttpRowsFromLogs(*folder, *map, start_epoch))
        drawn.push_back({std::move(a), order++});
    // In time order (ties in the order built); sorted by reference, an arrow is large.
    std::vector<std::tuple<double, std::size_t, OrderedArrow*>> by_time;
    by_time.reserve(drawn.size());
    for (OrderedArrow& a : drawn)
        by_time.emplace_back(a.arrow.t, a.order, &a);
    std::sort(by_time.begin(), by_time.end());
    ladder.arrows.reserve(drawn.size());
    for (const auto& entry : by_time) {
        Arrow& a = std::get<2>(entry)->arrow;
        a.id = "a" + std::to_string(ladder.arrows.size() + 1);
        ladder.arrows.push_back(std::move(a));
    }

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
