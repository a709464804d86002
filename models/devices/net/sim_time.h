// The simulator's clock as the sans-I/O machines see it (cmslab::Instant), and a timer
// on the simulator for machines that say when they next need one (NextTimeout()) and
// take the time in when it comes (HandleTimeout(now)).
#pragma once

#include "common/time.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace ns3 {
class Time;
} // namespace ns3

namespace cmslab::devices::net {

// Simulated time since the start of the run.
Instant SimNow();
Instant ToInstant(const ns3::Time& time);
// Include "ns3/nstime.h" where the result is used.
ns3::Time ToNs3Time(Duration duration);
// The wall-clock second a box shows now: the scenario's epoch plus the simulated time,
// what certificates are judged against (tls::EndpointOptions::verify_time).
std::int64_t WallClockSeconds(std::int64_t epoch_unix_s);

// One pending simulator event at a time. Destroying or cancelling the timer cancels the
// event, so a callback capturing its owner's `this` never runs after the owner is gone.
// The callback may re-arm, cancel or destroy the timer.
class Timer {
  public:
    using Callback = std::function<void(Instant now)>;

    Timer();
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    // Replaces any pending event. A time in the past fires at the current time (as a new
    // event, never from inside this call).
    void ScheduleAt(Instant when, Callback callback);
    void ScheduleIn(Duration delay, Callback callback);
    // For a machine: nothing pending when `when` is empty; otherwise fire at `when`. A
    // pending event for the same time is kept (and its callback replaced).
    void Arm(std::optional<Instant> when, Callback callback);
    void Cancel();

    bool Pending() const;
    // When the pending event fires; empty when none is pending.
    std::optional<Instant> When() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Runs `callback` from a new simulator event at the current time (after the events
// already due now). For work that must not run inside the caller's stack, such as
// delivering bytes an object received before its owner could set its handlers.
// `alive` guards the call: it is skipped when the weak pointer has expired.
void Defer(std::weak_ptr<void> alive, std::function<void()> callback);

} // namespace cmslab::devices::net
