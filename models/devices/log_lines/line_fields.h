// What turns a line's struct into a wording's values and back. Each line struct lists its
// fields once, by placeholder name:
//
//   template <class Self, class F> static void Fields(Self& self, F&& f) {
//       f("server", self.server);
//       f("user", self.user);
//   }
//
// and the kind is named once, `using TurnAllocate = LineKind<Kind::TurnAllocate,
// TurnAllocateLine>`, which gives its formatter and parser side by side:
// TurnAllocate::Format(line) and TurnAllocate::Parse(text). Fields are std::string or
// integers (written in decimal; a line whose number does not read is not that line).
#pragma once

#include "log_lines/wordings.h"

#include <charconv>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cmslab::log_lines {

namespace detail {

inline std::string ToText(const std::string& value) {
    return value;
}
template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
std::string ToText(Int value) {
    return std::to_string(value);
}
bool FromText(std::string_view text, std::string& out);
template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
bool FromText(std::string_view text, Int& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return !text.empty() && ec == std::errc() && ptr == end;
}

// Lets overloads below apply only to the line structs.
struct FieldProbe {
    template <class T> void operator()(std::string_view, const T&) const {}
};
template <class Line>
using IfLine = decltype(Line::Fields(std::declval<const Line&>(), FieldProbe{}));

} // namespace detail

template <class Line> Values ValuesOf(const Line& line) {
    Values values;
    Line::Fields(line, [&](std::string_view name, const auto& field) {
        values.emplace_back(std::string(name), detail::ToText(field));
    });
    return values;
}

template <class Line> std::string FormatAs(Kind kind, const Line& line) {
    return Fill(kind, ValuesOf(line));
}

// Fields the wording has no placeholder for keep their defaults.
template <class Line> std::optional<Line> ParseAs(Kind kind, std::string_view text) {
    auto values = Match(kind, text);
    if (!values)
        return std::nullopt;
    Line line{};
    bool ok = true;
    Line::Fields(line, [&](std::string_view name, auto& field) {
        for (const auto& [n, v] : *values)
            if (n == name)
                ok = detail::FromText(v, field) && ok;
    });
    if (!ok)
        return std::nullopt;
    return line;
}

// One kind of line: Format fills the kind's wording with the struct's fields; Parse reads
// a text (the part after the box log prefix) back, nullopt when it is not this kind's.
template <Kind K, class Line> struct LineKind {
    static std::string Format(const Line& line) { return FormatAs(K, line); }
    static std::optional<Line> Parse(std::string_view text) { return ParseAs<Line>(K, text); }
};

// Equal when every field is: for tests (Parse(Format(x)) == x) and callers alike.
template <class Line, class = detail::IfLine<Line>> bool operator==(const Line& a, const Line& b) {
    return ValuesOf(a) == ValuesOf(b);
}
template <class Line, class = detail::IfLine<Line>> bool operator!=(const Line& a, const Line& b) {
    return !(a == b);
}
// "{server=203.0.113.10:3478, user=labuser}", for test failure messages.
template <class Line, class = detail::IfLine<Line>>
std::ostream& operator<<(std::ostream& out, const Line& line) {
    out << '{';
    const char* sep = "";
    for (const auto& [name, value] : ValuesOf(line)) {
        out << sep << name << '=' << value;
        sep = ", ";
    }
    return out << '}';
}

} // namespace cmslab::log_lines
