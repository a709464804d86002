#include "report/topology_svg.h"

#include "ladder/markup.h"

#include <algorithm>
#include <map>
#include <vector>

namespace cmslab::report {

namespace {

constexpr int kBoxWidth = 112, kBoxHeight = 34, kGap = 18, kTop = 20, kNetworkGap = 84;

std::string N(int v) {
    return std::to_string(v);
}

} // namespace

std::string TopologySvg(const ladder::DeploymentMap& map) {
    using ladder::EscapeMarkup;
    // Networks in the order the boxes (already ordered from the guest outwards) meet them.
    std::vector<std::string> networks;
    for (const ladder::Box& b : map.Boxes())
        for (const ladder::BoxInterface& i : b.interfaces)
            if (std::find(networks.begin(), networks.end(), i.network) == networks.end())
                networks.push_back(i.network);
    std::map<std::string, int> network_y;
    for (std::size_t i = 0; i < networks.size(); ++i)
        network_y[networks[i]] = kTop + kBoxHeight + 40 + int(i) * kNetworkGap;
    const int width = 20 + int(map.Boxes().size()) * (kBoxWidth + kGap);
    const int height = kTop + kBoxHeight + 40 + int(networks.size()) * kNetworkGap + 40;

    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"topology\" width=\"" +
                    N(width) + "\" height=\"" + N(height) +
                    "\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"10\">\n";
    for (const std::string& net : networks) {
        const int y = network_y[net];
        s += "<line x1=\"10\" y1=\"" + N(y) + "\" x2=\"" + N(width - 10) + "\" y2=\"" + N(y) +
             "\" stroke=\"#7a9cc6\" stroke-width=\"6\"/><text x=\"12\" y=\"" + N(y + 16) +
             "\" font-weight=\"bold\" fill=\"#345\">" + EscapeMarkup(net) + "</text>\n";
    }
    int x = 20;
    for (const ladder::Box& b : map.Boxes()) {
        const int cx = x + kBoxWidth / 2;
        const bool forwards = b.role == "router" || b.role == "nat_firewall";
        int link = 0;
        for (const ladder::BoxInterface& i : b.interfaces) {
            const int y = network_y[i.network];
            s += "<line x1=\"" + N(cx + link * 6) + "\" y1=\"" + N(kTop + kBoxHeight) + "\" x2=\"" +
                 N(cx + link * 6) + "\" y2=\"" + N(y) + "\" stroke=\"#999\"/>";
            s += "<text x=\"" + N(cx + link * 6 + 3) + "\" y=\"" + N(y - 5) +
                 "\" font-size=\"9\">" + EscapeMarkup(i.name + " " + i.address.ToString()) +
                 "</text>\n";
            ++link;
        }
        s += "<g class=\"topology-box\" id=\"box-" + EscapeMarkup(b.name) + "\"><rect x=\"" + N(x) +
             "\" y=\"" + N(kTop) + "\" width=\"" + N(kBoxWidth) + "\" height=\"" + N(kBoxHeight) +
             "\" rx=\"" + (forwards ? "2" : "8") + "\" fill=\"" +
             (forwards ? "#fde7c8" : "#e3eefc") + "\" stroke=\"#555\"/><text x=\"" + N(cx) +
             "\" y=\"" + N(kTop + 15) + "\" text-anchor=\"middle\" font-weight=\"bold\">" +
             EscapeMarkup(b.name) + "</text><text x=\"" + N(cx) + "\" y=\"" + N(kTop + 28) +
             "\" text-anchor=\"middle\" fill=\"#555\">" + EscapeMarkup(b.role) + "</text></g>\n";
        int ny = height - 30;
        for (const ladder::NatMapping& n : map.Nat())
            if (n.firewall == b.name) {
                s += "<text x=\"" + N(x) + "\" y=\"" + N(ny) + "\" fill=\"#a60\">static NAT " +
                     EscapeMarkup(n.outside.ToString() + " <-> " + n.inside.ToString() + " (" +
                                  n.inside_box + ")") +
                     "</text>\n";
                ny += 12;
            }
        x += kBoxWidth + kGap;
    }
    s += "</svg>\n";
    return s;
}

} // namespace cmslab::report
