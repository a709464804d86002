// "Did you mean ...?" for misspelt keys, names and values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::scenario {

// Optimal string alignment distance (insertions, deletions, substitutions and swaps of
// neighbours), case-insensitive.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, if near enough to be a likely typo; empty otherwise.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace cmslab::scenario
