#include "log_lines/pattern.h"

namespace cmslab::log_lines {

namespace {

constexpr std::string_view kFreeText = "...";

bool Matches(const std::vector<Segment>& segments, std::size_t index, std::string_view text,
             std::size_t at, Values& out) {
    if (index == segments.size())
        return at == text.size();
    const Segment& s = segments[index];
    if (!s.placeholder) {
        if (text.compare(at, s.text.size(), s.text) != 0)
            return false;
        return Matches(segments, index + 1, text, at + s.text.size(), out);
    }
    const bool last = index + 1 == segments.size();
    if (last) {
        const std::string_view rest = text.substr(at);
        if (!s.free_text && rest.find(' ') != std::string_view::npos)
            return false;
        out.emplace_back(s.text, std::string(rest));
        return true;
    }
    // Two placeholders side by side could split their text anywhere: such a wording
    // matches nothing (the wording table's test keeps them apart).
    if (segments[index + 1].placeholder)
        return false;
    const std::string& next = segments[index + 1].text;
    for (std::size_t end = text.find(next, at); end != std::string_view::npos;
         end = text.find(next, end + 1)) {
        const std::string_view capture = text.substr(at, end - at);
        // A word that already holds a space only grows with a later occurrence.
        if (!s.free_text && capture.find(' ') != std::string_view::npos)
            return false;
        const std::size_t mark = out.size();
        out.emplace_back(s.text, std::string(capture));
        if (Matches(segments, index + 1, text, end, out))
            return true;
        out.resize(mark);
    }
    return false;
}

} // namespace

std::vector<Segment> CompilePattern(std::string_view pattern) {
    std::vector<Segment> out;
    std::size_t at = 0;
    while (at < pattern.size()) {
        const std::size_t open = pattern.find('{', at);
        const std::size_t close = open == std::string_view::npos ? open : pattern.find('}', open);
        if (close == std::string_view::npos) {
            out.push_back(Segment{std::string(pattern.substr(at)), false, false});
            break;
        }
        if (open > at)
            out.push_back(Segment{std::string(pattern.substr(at, open - at)), false, false});
        std::string_view name = pattern.substr(open + 1, close - open - 1);
        const bool free_text = name.size() > kFreeText.size() &&
                               name.substr(name.size() - kFreeText.size()) == kFreeText;
        if (free_text)
            name.remove_suffix(kFreeText.size());
        out.push_back(Segment{std::string(name), true, free_text});
        at = close + 1;
    }
    return out;
}

std::vector<std::string> PlaceholderNames(const std::vector<Segment>& segments) {
    std::vector<std::string> names;
    for (const Segment& s : segments)
        if (s.placeholder)
            names.push_back(s.text);
    return names;
}

std::string FillPattern(const std::vector<Segment>& segments, const Values& values) {
    std::string out;
    for (const Segment& s : segments) {
        if (!s.placeholder) {
            out += s.text;
            continue;
        }
        for (const auto& [name, value] : values)
            if (name == s.text) {
                out += value;
                break;
            }
    }
    return out;
}

std::optional<Values> MatchPattern(const std::vector<Segment>& segments, std::string_view text) {
    Values out;
    if (!Matches(segments, 0, text, 0, out))
        return std::nullopt;
    return out;
}

} // namespace cmslab::log_lines
