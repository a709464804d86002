// Domain names: presentation text ("www.example.com", as scenarios and dig write them) to
// labels and back, and the case-insensitive comparisons of RFC 4343.
#pragma once

#include "common/expected.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::dns {

constexpr std::size_t kMaxLabelLength = 63;
// On the wire, length octets and the final zero included (RFC 1035 2.3.4).
constexpr std::size_t kMaxNameLength = 255;

// Raw label bytes, most specific first; the root name has no labels.
using Labels = std::vector<std::string>;

// Accepts an optional trailing dot, "." or "" for the root, and the master-file escapes
// "\." "\\" "\DDD" so that any label a decoder met can be written back. Rejects empty
// labels, labels over 63 bytes and names over 255 bytes on the wire.
Expected<Labels> ParseName(std::string_view text);
// No trailing dot ("www.example.com"); the root is ".". Escapes what ParseName unescapes.
std::string FormatName(const Labels& labels);
std::size_t WireLength(const Labels& labels);

// ASCII case-insensitive, label by label; "a.b" equals "A.B." and "a\.b" differs from "a.b".
bool NamesEqual(std::string_view a, std::string_view b);
bool LabelsEqual(const Labels& a, const Labels& b);
// Lower case, no trailing dot, escapes normalised: a key for maps of names. Text that
// does not parse is only lower-cased.
std::string CanonicalName(std::string_view name);
// True when `name` is `ancestor` or below it ("a.b.example.com" is below "example.com",
// "badexample.com" is not).
bool IsAtOrBelow(std::string_view name, std::string_view ancestor);

} // namespace cmslab::dns
