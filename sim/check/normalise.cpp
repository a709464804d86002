#include "check/normalise.h"

#include <regex>

namespace cmslab::check {

namespace {

struct Rule {
    std::regex pattern;
    const char* replacement;
};

const std::vector<Rule>& Rules() {
    // Order matters: the specific shapes first, so a UUID does not turn into hex runs.
    static const std::vector<Rule> rules = [] {
        const auto flags = std::regex::ECMAScript | std::regex::optimize;
        std::vector<Rule> r;
        r.push_back({std::regex("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
                                "[0-9A-Fa-f]{12}",
                                flags),
                     "<uuid>"});
        r.push_back({std::regex("(?:[0-9A-Fa-f]{2}:){7,}[0-9A-Fa-f]{2}", flags), "<fingerprint>"});
        // ICE credentials and session identifiers, in JSON and in SDP.
        r.push_back(
            {std::regex("\"(ufrag|pwd|session|usernameFragment|password)\"(\\s*:\\s*)\"[^\"]*\"",
                        flags),
             "\"$1\"$2\"<token>\""});
        r.push_back({std::regex("(ice-ufrag|ice-pwd)(:)\\S+", flags), "$1$2<token>"});
        // A word made of letters and a long number: guest3804072848.
        r.push_back({std::regex("\\b([A-Za-z]+)[0-9]{6,}\\b", flags), "$1<id>"});
        r.push_back({std::regex("\\b[0-9A-Fa-f]{16,}\\b", flags), "<hex>"});
        // Random base64-like tokens: long, with both letters and digits.
        r.push_back(
            {std::regex("(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[A-Za-z])[A-Za-z0-9+/]{20,}={0,2}",
                        flags),
             "<token>"});
        // Measured durations ("after 0.479 ms"): configured times are whole numbers.
        r.push_back({std::regex("\\b[0-9]+\\.[0-9]+ ?(ms|s)\\b", flags), "<time> $1"});
        // host:port and "port N" with an ephemeral or relay port.
        r.push_back({std::regex("([0-9]:|\\bport )[1-6][0-9]{4}\\b", flags), "$1<port>"});
        return r;
    }();
    return rules;
}

const std::regex& TimeStamp() {
    static const std::regex stamp(
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?Z?\\s*");
    return stamp;
}

} // namespace

std::string NormaliseText(std::string_view text) {
    std::string out(text);
    for (const auto& rule : Rules())
        out = std::regex_replace(out, rule.pattern, rule.replacement);
    return out;
}

std::string NormaliseLogLine(std::string_view line) {
    std::string rest = std::regex_replace(std::string(line), TimeStamp(), "",
                                          std::regex_constants::format_first_only);
    return NormaliseText(rest);
}

} // namespace cmslab::check
