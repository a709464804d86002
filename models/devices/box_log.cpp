#include "box_log.h"

#include "box_log_line.h"

#include <cstdio>
#include <ctime>

namespace cmslab::devices {

BoxLog::BoxLog(std::string node, std::int64_t epoch_unix_s, Clock clock, const std::string& path)
    : m_node(std::move(node)), m_epoch(epoch_unix_s), m_clock(std::move(clock)) {
    if (!path.empty()) {
        m_file.open(path, std::ios::out | std::ios::trunc);
        m_failed = !m_file.is_open();
    }
}

std::string BoxLog::Timestamp(std::int64_t epoch_unix_s, Instant at) {
    const std::int64_t total_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(at).count() + epoch_unix_s * 1000;
    std::int64_t seconds = total_ms / 1000;
    std::int64_t millis = total_ms % 1000;
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
    return buf;
}

void BoxLog::Write(std::string_view component, std::string_view text) {
    std::string line =
        FormatBoxLogLine(BoxLogLine{Timestamp(m_epoch, m_clock ? m_clock() : Instant{0}),
                                    std::string(component), std::string(text)});
    if (m_file.is_open()) {
        m_file << line << '\n';
        m_file.flush();
        if (!m_file)
            m_failed = true;
    }
    m_lines.push_back(std::move(line));
}

} // namespace cmslab::devices
