#include "scenario/names.h"

#include <cctype>
#include <cstdio>

namespace cmslab::scenario {

namespace {

bool IsAlnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool NameWithLabels(std::string_view name, bool allow_underscore_label) {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find('.', start);
        if (end == std::string_view::npos)
            end = name.size();
        auto label = name.substr(start, end - start);
        if (label.empty() || label.size() > 63)
            return false;
        std::size_t first = 0;
        if (allow_underscore_label && label[0] == '_') {
            first = 1;
            if (label.size() == 1)
                return false;
        }
        for (std::size_t i = first; i < label.size(); ++i)
            if (!IsAlnum(label[i]) && label[i] != '-')
                return false;
        if (label[first] == '-' || label.back() == '-')
            return false;
        start = end + 1;
    }
    return true;
}

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    // Howard Hinnant's days_from_civil: proleptic Gregorian calendar.
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace

bool IsValidName(std::string_view name) {
    if (name.empty() || name.size() > 64 || name[0] == '.')
        return false;
    for (char c : name)
        if (!IsAlnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

bool IsHostName(std::string_view name) {
    return NameWithLabels(name, false);
}

bool IsDnsName(std::string_view name) {
    return NameWithLabels(name, true);
}

std::string CanonicalDnsName(std::string_view name) {
    std::string out(name);
    if (!out.empty() && out.back() == '.')
        out.pop_back();
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<std::int64_t> ParseUtcTime(std::string_view t) {
    if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
        t[16] != ':' || t[19] != 'Z')
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t n) -> std::optional<unsigned> {
        unsigned v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(t[i])))
                return std::nullopt;
            v = v * 10 + static_cast<unsigned>(t[i] - '0');
        }
        return v;
    };
    auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
         s = num(17, 2);
    if (!y || !mo || !d || !h || !mi || !s)
        return std::nullopt;
    static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*y < 1970 || *mo < 1 || *mo > 12 || *d < 1 || *h > 23 || *mi > 59 || *s > 59)
        return std::nullopt;
    const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    if (*d > kDays[*mo - 1] + ((*mo == 2 && leap) ? 1u : 0u))
        return std::nullopt;
    return DaysFromCivil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *s;
}

std::string FormatUtcTime(std::int64_t t) {
    std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    std::int64_t secs = t - days * 86400;
    // civil_from_days, the inverse of DaysFromCivil.
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
    return buf;
}

} // namespace cmslab::scenario
