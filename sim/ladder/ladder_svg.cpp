#include "ladder/ladder_svg.h"

#include "ladder/markup.h"

#include <cstdio>
#include <map>

namespace cmslab::ladder {

namespace {

constexpr int kLeft = 70, kColumn = 96, kTop = 78, kRow = 22, kLabelGap = 16;
constexpr const char* kRed = "#d00000";
constexpr const char* kInk = "#333333";

std::string Num(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", v);
    return text;
}

} // namespace

std::string ToSvgElement(const Ladder& ladder) {
    std::map<std::string, int> x;
    for (std::size_t i = 0; i < ladder.columns.size(); ++i)
        x[ladder.columns[i].box] = kLeft + int(i) * kColumn + kColumn / 2;
    const int label_x = kLeft + int(ladder.columns.size()) * kColumn + kLabelGap;
    int rows = 0;
    for (const Arrow& a : ladder.arrows)
        rows += a.folded ? 2 : 1;
    const int height = kTop + rows * kRow + 20;
    const int width = label_x + 980;
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"" +
                    Num(width) + "\" height=\"" + Num(height) + "\" viewBox=\"0 0 " + Num(width) +
                    " " + Num(height) +
                    "\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    for (const Column& c : ladder.columns) {
        const int cx = x[c.box];
        s += "<g class=\"ladder-column\" id=\"col-" + EscapeMarkup(c.box) + "\" data-box=\"" +
             EscapeMarkup(c.box) + "\">";
        s += "<text x=\"" + Num(cx) + "\" y=\"14\" text-anchor=\"middle\" font-weight=\"bold\">" +
             EscapeMarkup(c.box) + "</text>";
        int y = 26;
        for (const std::string& address : c.addresses) {
            if (y > kTop - 8)
                break;
            s += "<text x=\"" + Num(cx) + "\" y=\"" + Num(y) +
                 "\" text-anchor=\"middle\" font-size=\"8\" fill=\"#555\">" +
                 EscapeMarkup(address.size() > 22 ? address.substr(0, 22) : address) + "</text>";
            y += 10;
        }
        s += "<line x1=\"" + Num(cx) + "\" y1=\"" + Num(kTop - 6) + "\" x2=\"" + Num(cx) +
             "\" y2=\"" + Num(height - 10) + "\" stroke=\"#bbbbbb\"/></g>\n";
    }
    int row = 0;
    for (const Arrow& a : ladder.arrows) {
        const int y = kTop + row * kRow + kRow / 2;
        ++row;
        const char* color = a.error ? kRed : kInk;
        s += "<g class=\"arrow" + std::string(a.error ? " error" : "") + "\" id=\"" + a.id +
             "\" data-kind=\"" + MessageKindName(a.kind) + "\" data-from=\"" +
             EscapeMarkup(a.from) + "\" data-to=\"" + EscapeMarkup(a.to) + "\">";
        s += "<title>" + EscapeMarkup(a.label + (a.error ? " - " + a.error_text : "")) + "</title>";
        auto f = x.find(a.from), t = x.find(a.to);
        if (f != x.end() && t != x.end()) {
            const int x1 = f->second, x2 = t->second;
            if (x1 == x2) {
                s += "<path d=\"M" + Num(x1) + " " + Num(y - 6) +
                     " h14 v12 h-12\" fill=\"none\" stroke=\"" + color + "\"/>";
            } else {
                const int dir = x2 > x1 ? 1 : -1;
                s += "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y) + "\" x2=\"" +
                     Num(x2 - dir * 6) + "\" y2=\"" + Num(y) + "\" stroke=\"" + color +
                     "\" stroke-width=\"" + (a.error ? "2" : "1.2") + "\"" +
                     (a.log.empty() ? "" : " stroke-dasharray=\"4 3\"") + "/>";
                s += "<polygon points=\"" + Num(x2) + "," + Num(y) + " " + Num(x2 - dir * 8) + "," +
                     Num(y - 4) + " " + Num(x2 - dir * 8) + "," + Num(y + 4) + "\" fill=\"" +
                     color + "\"/>";
            }
        }
        char time[32];
        std::snprintf(time, sizeof time, "%.4f", a.t);
        s += "<text x=\"4\" y=\"" + Num(y + 4) + "\" fill=\"#777\">" + time + "</text>";
        s += "<text x=\"" + Num(label_x) + "\" y=\"" + Num(y + 4) + "\" fill=\"" + color + "\">" +
             EscapeMarkup(a.label) + "</text>";
        // Where it was seen, after the label: each capture and frame, or the log line.
        std::string refs;
        if (!a.log.empty()) {
            refs = "<a class=\"ref\" href=\"" + EscapeMarkup(a.log.substr(0, a.log.find(':'))) +
                   "\"><tspan fill=\"#06c\">" + EscapeMarkup(a.log) + "</tspan></a>";
        }
        for (const Sighting& w : a.seen)
            refs += " <a class=\"ref\" href=\"" + EscapeMarkup(w.capture) +
                    "\"><tspan fill=\"#06c\">" +
                    EscapeMarkup(w.capture.substr(w.capture.rfind('/') + 1)) + "#" +
                    std::to_string(w.frame) + "</tspan></a>";
        if (a.address_pairs.size() > 1) {
            std::string nat = " NAT:";
            for (std::size_t i = 0; i < a.address_pairs.size(); ++i)
                nat += (i ? " => " : " ") + a.address_pairs[i];
            refs += "<tspan fill=\"#a60\">" + EscapeMarkup(nat) + "</tspan>";
        }
        s += "<text x=\"" + Num(label_x + 7 * int(a.label.size()) + 12) + "\" y=\"" + Num(y + 4) +
             "\" font-size=\"9\">" + refs + "</text>";
        s += "</g>\n";
        if (a.folded) {
            const int fy = kTop + row * kRow + kRow / 2;
            ++row;
            s += "<text class=\"fold\" x=\"" + Num(label_x) + "\" y=\"" + Num(fy + 4) +
                 "\" fill=\"#777\">... " + std::to_string(a.folded) +
                 " more RTP packets of this stream</text>\n";
        }
    }
    s += "</svg>\n";
    return s;
}

std::string ToSvgFile(const Ladder& ladder) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ToSvgElement(ladder);
}

} // namespace cmslab::ladder
