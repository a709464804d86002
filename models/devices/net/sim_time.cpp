#include "sim_time.h"

#include "sim_lifetime.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace cmslab::devices::net {

Instant SimNow() {
    return ToInstant(ns3::Simulator::Now());
}

Instant ToInstant(const ns3::Time& time) {
    return Instant(time.GetNanoSeconds());
}

ns3::Time ToNs3Time(Duration duration) {
    return ns3::NanoSeconds(duration.count());
}

std::int64_t WallClockSeconds(std::int64_t epoch_unix_s) {
    return epoch_unix_s + std::chrono::duration_cast<std::chrono::seconds>(SimNow()).count();
}

struct Timer::Impl {
    ns3::EventId event;
    std::uint64_t simulation = 0;
    Instant when{0};
    bool pending = false;
    Callback callback;
};

Timer::Timer() : m_impl(std::make_unique<Impl>()) {}

Timer::~Timer() {
    Cancel();
}

void Timer::ScheduleAt(Instant when, Callback callback) {
    Cancel();
    Impl* impl = m_impl.get();
    impl->simulation = detail::CurrentSimulation();
    const Instant now = SimNow();
    impl->when = std::max(when, now);
    impl->callback = std::move(callback);
    impl->pending = true;
    impl->event = ns3::Simulator::Schedule(ToNs3Time(impl->when - now), [impl] {
        impl->pending = false;
        // Moved out first: the callback may re-arm or destroy the timer.
        Callback fire = std::move(impl->callback);
        impl->callback = nullptr;
        if (fire)
            fire(SimNow());
    });
}

void Timer::ScheduleIn(Duration delay, Callback callback) {
    ScheduleAt(SimNow() + std::max(delay, Duration{0}), std::move(callback));
}

void Timer::Arm(std::optional<Instant> when, Callback callback) {
    if (!when) {
        Cancel();
        return;
    }
    if (m_impl->pending && detail::SimulationAlive(m_impl->simulation) &&
        m_impl->when == std::max(*when, SimNow())) {
        m_impl->callback = std::move(callback);
        return;
    }
    ScheduleAt(*when, std::move(callback));
}

void Timer::Cancel() {
    if (m_impl->pending && detail::SimulationAlive(m_impl->simulation))
        m_impl->event.Cancel();
    m_impl->pending = false;
    m_impl->callback = nullptr;
}

bool Timer::Pending() const {
    return m_impl->pending && detail::SimulationAlive(m_impl->simulation);
}

std::optional<Instant> Timer::When() const {
    if (!Pending())
        return std::nullopt;
    return m_impl->when;
}

void Defer(std::weak_ptr<void> alive, std::function<void()> callback) {
    detail::CurrentSimulation();
    ns3::Simulator::ScheduleNow([alive = std::move(alive), callback = std::move(callback)] {
        if (alive.expired())
            return;
        callback();
    });
}

} // namespace cmslab::devices::net
