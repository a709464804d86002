#include "realtime_watch.h"

#include "ns3/realtime-simulator-impl.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <iostream>

namespace cmslab::emulate {

nlohmann::json LagReport::Json() const {
    return {{"samples", samples}, {"max_ms", max_ms}, {"p99_ms", p99_ms}, {"mean_ms", mean_ms}};
}

void RealtimeWatch::Start() {
    ns3::Simulator::ScheduleNow(&RealtimeWatch::Tick, this);
}

void RealtimeWatch::Tick() {
    auto realtime =
        ns3::DynamicCast<ns3::RealtimeSimulatorImpl>(ns3::Simulator::GetImplementation());
    if (realtime) {
        const std::int64_t lag = (realtime->RealtimeNow() - ns3::Simulator::Now()).GetNanoSeconds();
        m_lag_ns.push_back(std::max<std::int64_t>(lag, 0));
        const double lag_ms = static_cast<double>(lag) / 1e6;
        const double now_s = ns3::Simulator::Now().GetSeconds();
        if (lag_ms > m_options.warn_ms && now_s - m_last_warning_s >= 1.0) {
            std::cerr << "cmslab emulate: " << lag_ms << " ms behind real time at " << now_s
                      << " s\n";
            m_last_warning_s = now_s;
        }
    }
    if (m_options.on_tick)
        m_options.on_tick();
    if (m_options.should_stop && m_options.should_stop()) {
        ns3::Simulator::Stop();
        return;
    }
    ns3::Simulator::Schedule(ns3::MilliSeconds(m_options.period.count()), &RealtimeWatch::Tick,
                             this);
}

LagReport RealtimeWatch::Report() const {
    LagReport report;
    report.samples = m_lag_ns.size();
    if (m_lag_ns.empty())
        return report;
    std::vector<std::int64_t> sorted = m_lag_ns;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (std::int64_t v : sorted)
        sum += static_cast<double>(v);
    const std::size_t p99 = std::min(sorted.size() - 1, (sorted.size() * 99) / 100);
    report.max_ms = static_cast<double>(sorted.back()) / 1e6;
    report.p99_ms = static_cast<double>(sorted[p99]) / 1e6;
    report.mean_ms = sum / static_cast<double>(sorted.size()) / 1e6;
    return report;
}

} // namespace cmslab::emulate
