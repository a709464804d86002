// One box's event log: what logs/<box>.log holds. Each line is stamped with the wall-clock
// time the box would show, that is the scenario's epoch plus the simulated time, so the
// lab's logs read like the product's own (the reference logs are dated 2017-05-20).
//
// The clock is handed in, so the log needs no simulator and tests can drive it.
#pragma once

#include "common/time.h"

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::devices {

class BoxLog {
  public:
    using Clock = std::function<Instant()>;

    // `epoch_unix_s`: the wall-clock second at simulated time zero. `path` empty: the
    // lines are only kept in memory.
    BoxLog(std::string node, std::int64_t epoch_unix_s, Clock clock, const std::string& path = "");

    // Appends "<date> <time.ms> <component>: <text>" (box_log_line.h reads it back).
    void Write(std::string_view component, std::string_view text);

    const std::string& Node() const { return m_node; }
    const std::vector<std::string>& Lines() const { return m_lines; }
    // True when a file was asked for and could not be opened or written.
    bool Failed() const { return m_failed; }

    // "2017-05-20 10:00:01.123" for the epoch plus `at`.
    static std::string Timestamp(std::int64_t epoch_unix_s, Instant at);

  private:
    std::string m_node;
    std::int64_t m_epoch;
    Clock m_clock;
    std::ofstream m_file;
    bool m_failed = false;
    std::vector<std::string> m_lines;
};

} // namespace cmslab::devices
