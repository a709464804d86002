#include "ladder/ladder_text.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace cmslab::ladder {

namespace {

constexpr std::size_t kWidth = 12; // characters per column

std::string Short(const std::string& capture) {
    // "pcap/public.pcap" -> "public"
    std::string s = capture;
    if (s.rfind("pcap/", 0) == 0)
        s = s.substr(5);
    if (s.size() > 5 && s.compare(s.size() - 5, 5, ".pcap") == 0)
        s.resize(s.size() - 5);
    return s;
}

std::string Where(const Arrow& a) {
    if (!a.log.empty())
        return a.log;
    std::string out;
    for (const Sighting& s : a.seen)
        out += (out.empty() ? "" : " ") + Short(s.capture) + "#" + std::to_string(s.frame);
    return out;
}

} // namespace

std::string ToText(const Ladder& ladder) {
    std::map<std::string, std::size_t> column;
    std::string header = "    time s  ";
    for (std::size_t i = 0; i < ladder.columns.size(); ++i) {
        column[ladder.columns[i].box] = i;
        std::string name = ladder.columns[i].box.substr(0, kWidth - 1);
        header += name + std::string(kWidth - name.size(), ' ');
    }
    std::string out = header + "\n";
    const std::size_t area = kWidth * ladder.columns.size();
    for (const Arrow& a : ladder.arrows) {
        std::string lane(area, ' ');
        for (std::size_t i = 0; i < ladder.columns.size(); ++i)
            lane[i * kWidth + 2] = '|';
        auto f = column.find(a.from), t = column.find(a.to);
        if (f != column.end() && t != column.end()) {
            const std::size_t x1 = f->second * kWidth + 2, x2 = t->second * kWidth + 2;
            if (x1 == x2) {
                lane[x1] = 'o'; // a box to itself (a hairpin through the NAT)
            } else {
                const std::size_t lo = std::min(x1, x2), hi = std::max(x1, x2);
                for (std::size_t x = lo + 1; x < hi; ++x)
                    lane[x] = a.error ? '=' : '-';
                lane[x1] = '+';
                lane[x2] = x2 > x1 ? '>' : '<';
            }
        }
        char time[32];
        std::snprintf(time, sizeof time, "%10.4f", a.t);
        std::string line = std::string(a.error ? "!" : " ") + time + " " + lane + a.label;
        if (a.error)
            line += "  <-- " + a.error_text;
        line += "  [" + Where(a) + "]";
        if (a.address_pairs.size() > 1) {
            line += "  NAT:";
            for (std::size_t i = 0; i < a.address_pairs.size(); ++i)
                line += (i ? " => " : " ") + a.address_pairs[i];
        } else if (!a.address_pairs.empty()) {
            line += "  " + a.address_pairs.front();
        }
        out += line + "\n";
        if (a.folded)
            out += std::string(12, ' ') + std::string(area, ' ') + "... " +
                   std::to_string(a.folded) +
                   " more RTP packets of this stream (--media shows them)\n";
    }
    for (const std::string& note : ladder.notes)
        out += "note: " + note + "\n";
    return out;
}

} // namespace cmslab::ladder
