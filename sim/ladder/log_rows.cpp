#include "ladder/log_rows.h"

#include "diagnosis/results_folder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <regex>
#include <set>

namespace cmslab::ladder {

namespace {

std::optional<double> Epoch(const std::string& text, const char* format) {
    std::tm tm{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    double second = 0;
    if (std::sscanf(text.c_str(), format, &year, &month, &day, &hour, &minute, &second) != 6)
        return std::nullopt;
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    return double(timegm(&tm)) + second;
}

Arrow LogArrow(const diagnosis::LogLine& line, double t, std::string from, std::string to,
               std::string label) {
    Arrow a;
    a.t = t;
    a.from = std::move(from);
    a.to = std::move(to);
    a.kind = MessageKind::Http;
    a.label = std::move(label) + " (log)";
    a.log = line.file + ":" + std::to_string(line.line);
    return a;
}

// The box that owns an "address:port" as a peer wrote it, through a static NAT to the
// box behind it.
std::string BoxOfPeer(const DeploymentMap& map, const std::string& peer) {
    auto address = IpAddress::Parse(peer.substr(0, peer.rfind(':')));
    if (!address)
        return peer;
    if (const NatMapping* nat = map.NatByOutside(*address))
        return nat->inside_box;
    const std::string* box = map.BoxOf(*address);
    return box ? *box : address->ToString();
}

} // namespace

double StartEpoch(const nlohmann::json& summary) {
    auto it = summary.find("start_time");
    if (it == summary.end() || !it->is_string())
        return 0;
    return Epoch(it->get<std::string>(), "%d-%d-%dT%d:%d:%lfZ").value_or(0);
}

std::optional<double> LogLineEpoch(const std::string& line) {
    return Epoch(line, "%d-%d-%d %d:%d:%lf");
}

std::vector<Arrow> HttpRowsFromLogs(const diagnosis::ResultsFolder& folder,
                                    const DeploymentMap& map, double start_epoch) {
    static const std::regex proxy_row(
        R"re(^Request (accepted|refused): (\S+) (\S+)(?: Host: (\S+))? from ([0-9.]+:[0-9]+))re");
    static const std::regex refused_answer(R"re(answered ([0-9]{3}[^;]*)$)re");
    static const std::regex browser_request(R"re(^(GET|POST|PUT|DELETE|PATCH) (\S+)$)re");
    static const std::regex browser_answer(
        R"re(^http (ok|failed): (\S+) (\S+) -> ([0-9]{3}[^(]*))re");
    static const std::regex browser_connected(R"re(^tcp ok: connected to (\S+))re");

    std::vector<Arrow> out;
    std::set<std::string> proxied; // "GET /": requests the web proxy logged
    std::smatch m;
    for (const std::string& proxy : folder.NodesWithRole("expressway_e"))
        for (const diagnosis::LogLine& line : folder.Log(proxy)) {
            auto epoch = LogLineEpoch(line.text);
            if (!epoch || !std::regex_search(line.message, m, proxy_row))
                continue;
            const double t = *epoch - start_epoch;
            std::string label = m[2].str() + " " + m[3].str();
            if (m[4].matched)
                label += " Host: " + m[4].str();
            proxied.insert(m[2].str() + " " + m[3].str());
            const std::string client = BoxOfPeer(map, m[5]);
            out.push_back(LogArrow(line, t, client, proxy, "HTTP " + label));
            std::smatch answer;
            if (m[1] == "refused" && std::regex_search(line.message, answer, refused_answer)) {
                Arrow a = LogArrow(line, t, proxy, client, "HTTP/1.1 " + answer[1].str());
                a.error = true;
                a.error_text = "HTTP " + answer[1].str();
                out.push_back(std::move(a));
            }
        }
    for (const std::string& browser : folder.NodesWithRole("browser")) {
        std::string server = "?";
        for (const diagnosis::LogLine& line : folder.Log(browser)) {
            auto epoch = LogLineEpoch(line.text);
            if (!epoch)
                continue;
            const double t = *epoch - start_epoch;
            if (std::regex_search(line.message, m, browser_connected)) {
                server = BoxOfPeer(map, m[1]);
            } else if (std::regex_search(line.message, m, browser_request)) {
                if (!proxied.count(m[1].str() + " " + m[2].str()))
                    out.push_back(LogArrow(line, t, browser, server, "HTTP " + m[0].str()));
            } else if (std::regex_search(line.message, m, browser_answer)) {
                std::string status = m[4].str();
                while (!status.empty() && status.back() == ' ')
                    status.pop_back();
                // The web proxy's refusal already drew its answer.
                const bool drawn =
                    m[1] == "failed" && proxied.count(m[2].str() + " " + m[3].str()) &&
                    std::any_of(out.begin(), out.end(), [](const Arrow& a) { return a.error; });
                if (drawn)
                    continue;
                Arrow a =
                    LogArrow(line, t, server, browser,
                             "HTTP/1.1 " + status + " (" + m[2].str() + " " + m[3].str() + ")");
                if (status.size() >= 3 && status[0] >= '4') {
                    a.error = true;
                    a.error_text = "HTTP " + status;
                }
                out.push_back(std::move(a));
            }
        }
    }
    return out;
}

} // namespace cmslab::ladder
