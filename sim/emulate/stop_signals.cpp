#include "stop_signals.h"

#include <pthread.h>

#include <cerrno>
#include <ctime>

namespace cmslab::emulate {

StopSignals::StopSignals() {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGINT);
    sigaddset(&m_set, SIGTERM);
    sigaddset(&m_set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    m_watcher = std::thread([this] {
        // Woken every 100 ms to notice the end of the run without a signal of its own.
        const timespec tick{0, 100 * 1000 * 1000};
        while (!m_done.load()) {
            const int sig = sigtimedwait(&m_set, nullptr, &tick);
            if (sig > 0 && m_signal.load() == 0)
                m_signal.store(sig);
        }
    });
}

StopSignals::~StopSignals() {
    m_done.store(true);
    m_watcher.join();
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
}

const char* StopSignals::Which() const {
    switch (m_signal.load()) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "";
    }
}

} // namespace cmslab::emulate
