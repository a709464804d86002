// A wording with named placeholders, "TURN Allocate at {server} as {user}": filled to
// write a line, matched to read one back. Both walk the same segments, so what one
// writes the other reads.
//
// `{name}` stands for one word (no space: an address, a user, a number); `{name...}`
// for free text (a reason, a zone name). Matching takes the literal segments in order;
// a placeholder captures up to the next literal, trying that literal's later
// occurrences when the rest does not match (a reason that itself contains " (" still
// leaves the peer in the last parentheses); a wording that ends in a literal must end
// the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmslab::log_lines {

struct Segment {
    std::string text; // the literal, or the placeholder's name
    bool placeholder = false;
    bool free_text = false; // `{name...}`: may hold spaces
};

// (placeholder name, text) in the order of the wording.
using Values = std::vector<std::pair<std::string, std::string>>;

std::vector<Segment> CompilePattern(std::string_view pattern);
// The names of the placeholders, in order.
std::vector<std::string> PlaceholderNames(const std::vector<Segment>& segments);
// A placeholder without a value is left empty.
std::string FillPattern(const std::vector<Segment>& segments, const Values& values);
std::optional<Values> MatchPattern(const std::vector<Segment>& segments, std::string_view text);

} // namespace cmslab::log_lines
