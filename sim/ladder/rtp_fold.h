// The RTP arrows of a ladder folded as they come, so that a long call's ladder holds a
// handful of arrows per stream and not one per media packet: of each stream on each hop
// (its two boxes and its label up to the sequence number, which names the hop's framing
// and the SSRC) the first arrow and the last are kept, and the first counts the packets
// between them (Arrow::folded). Streams of one or two packets keep them all.
//
// Only a stream's first packet is drawn when it comes; the others are kept as a Draft
// (whatever the caller needs to draw one later), each replacing the one before, so that a
// packet that is folded away costs no arrow.
#pragma once

#include "ladder/ladder.h"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace cmslab::ladder::detail {

// An arrow and its place in the order the ladder was built in (ties of time keep it).
struct OrderedArrow {
    Arrow arrow;
    std::size_t order = 0;
};

template <class Draft> class RtpFold {
  public:
    // A packet of the stream from `from` to `to` whose label is `label`, each stream's in
    // the order they were built. nullptr: it is the stream's first, to be drawn now as
    // arrow number `drawn` of the caller's; otherwise the slot for its draft.
    Draft* Add(std::string_view from, std::string_view to, std::string_view label,
               std::size_t drawn) {
        const std::tuple<std::string_view, std::string_view, std::string_view> key{
            from, to, label.substr(0, label.find(" Seq="))};
        auto it = m_streams.find(key);
        if (it == m_streams.end()) {
            m_streams.emplace(std::make_tuple(std::string(std::get<0>(key)),
                                              std::string(std::get<1>(key)),
                                              std::string(std::get<2>(key))),
                              Stream{drawn, 1, Draft{}});
            return nullptr;
        }
        ++it->second.count;
        return &it->second.last;
    }

    // Every stream's last packet drawn (by `draw`) into `drawn`, and the count of those
    // between on its first.
    void Finish(const std::function<OrderedArrow(Draft&)>& draw, std::vector<OrderedArrow>& drawn) {
        for (auto& [key, s] : m_streams) {
            if (s.count >= 2)
                drawn.push_back(draw(s.last));
            if (s.count >= 3)
                drawn[s.first].arrow.folded = s.count - 2;
        }
        m_streams.clear();
    }

  private:
    struct Stream {
        std::size_t first = 0; // its first arrow's index in the caller's
        std::size_t count = 0;
        Draft last;
    };
    std::map<std::tuple<std::string, std::string, std::string>, Stream, std::less<>> m_streams;
};

} // namespace cmslab::ladder::detail
