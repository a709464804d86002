// The pulse of an emulation on ns-3's real-time scheduler: an event every `period` that
// measures how late it runs against the wall clock (the simulator runs each event as
// soon as it can once its time has come; the lateness is what real hosts feel), asks
// whether the run should stop, and gives the caller a look at the world (readiness).
// It also keeps the event queue from running dry, which would end the run while real
// hosts are still talking.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace cmslab::emulate {

struct LagReport {
    std::size_t samples = 0;
    double max_ms = 0;
    double p99_ms = 0;
    double mean_ms = 0;
    nlohmann::json Json() const;
};

class RealtimeWatch {
  public:
    struct Options {
        std::chrono::milliseconds period{10};
        // Asked on every tick; true stops the simulator.
        std::function<bool()> should_stop;
        // Called on every tick after the measurement.
        std::function<void()> on_tick;
        // Lateness that is worth a line on stderr (at most one a second).
        double warn_ms = 10;
    };

    explicit RealtimeWatch(Options options) : m_options(std::move(options)) {}

    // Schedules the first tick at the simulator's now. The simulator must be ns-3's
    // RealtimeSimulatorImpl (World built with real_time).
    void Start();
    LagReport Report() const;

  private:
    void Tick();

    Options m_options;
    std::vector<std::int64_t> m_lag_ns;
    double m_last_warning_s = -1;
};

} // namespace cmslab::emulate
