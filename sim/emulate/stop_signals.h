// How an emulation is told to end: SIGINT (Ctrl-C), SIGTERM or SIGHUP. The signals are
// blocked in the thread that makes this object and in every thread started after it
// (ns-3's TAP readers), and one watcher thread takes them with sigtimedwait, so that no
// signal kills the process before it has removed its namespaces. The simulation polls
// Requested() and stops itself; cleanup then runs on the ordinary return path.
//
// Make it before any other thread exists.
#pragma once

#include <signal.h>

#include <atomic>
#include <thread>

namespace cmslab::emulate {

class StopSignals {
  public:
    StopSignals();
    // Joins the watcher and restores the signal mask; a signal that arrived during the
    // cleanup was already taken and is not re-raised.
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    bool Requested() const { return m_signal.load() != 0; }
    // The signal's name ("SIGINT"), or "" when none came.
    const char* Which() const;

  private:
    sigset_t m_set;
    sigset_t m_old;
    std::atomic<int> m_signal{0};
    std::atomic<bool> m_done{false};
    std::thread m_watcher;
};

} // namespace cmslab::emulate
