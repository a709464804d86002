// Helpers shared by the HTTP parser tests: feeding a parser in chunks and comparing
// event streams without regard to how bodies were split into Data events.
#pragma once

#include "http/parser.h"

#include <ostream>
#include <string>
#include <vector>

namespace cmslab::http {

// Adjacent Data events merged, so that two ways of splitting the input compare equal.
std::vector<Event> MergeData(const std::vector<Event>& events);

// Feeds `input` cut at the given offsets (sorted), then EOF when asked.
std::vector<Event> ParseInPieces(MessageKind kind, std::string_view input,
                                 const std::vector<std::size_t>& cuts, bool eof,
                                 const std::vector<std::string>& methods = {}, Limits limits = {});
std::vector<Event> ParseWhole(MessageKind kind, std::string_view input, bool eof,
                              const std::vector<std::string>& methods = {}, Limits limits = {});

std::string Describe(const Event& e);
std::string Describe(const std::vector<Event>& events);

template <class T> const T& As(const Event& e) {
    return std::get<T>(e);
}

} // namespace cmslab::http
