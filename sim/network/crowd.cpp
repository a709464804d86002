#include "crowd.h"

#include "dns_resolver.h"
#include "sim_time.h"

#include <chrono>
#include <cmath>

namespace cmslab::network {

namespace {

// A guest's browser goes this long after its script is done: its last words (the
// WebSocket close, the TURN allocation's deletion, TCP's FIN) have left by then.
constexpr Duration kLingerAfterDone = std::chrono::seconds(2);
constexpr Duration kSweepEvery = std::chrono::seconds(1);

Duration SecondsToDuration(double s) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Uniform in (0, 1], 53 bits, for an exponential gap that is never infinite.
double UnitOpenAtZero(Rng& rng) {
    return (static_cast<double>(rng.U64() >> 11) + 1.0) / 9007199254740992.0;
}

} // namespace

std::vector<Instant> CrowdArrivals(std::size_t count, Instant first,
                                   const scenario::CrowdConfig& crowd, Rng rng) {
    std::vector<Instant> at;
    at.reserve(count);
    Instant t = first;
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) {
            const double gap = crowd.arrival == scenario::CrowdConfig::Arrival::Poisson
                                   ? -std::log(UnitOpenAtZero(rng)) * crowd.interval_s
                                   : crowd.interval_s;
            t += SecondsToDuration(gap);
        }
        at.push_back(t);
    }
    return at;
}

Crowd::Crowd(World& world, const ScenarioPki& pki, tls::KeyLogSink key_log)
    : m_world(world), m_pki(pki), m_key_log(std::move(key_log)),
      m_arrival_timer(std::make_unique<devices::net::Timer>()),
      m_sweep_timer(std::make_unique<devices::net::Timer>()) {}

// Browsers first: each cancels its lookups on its node's resolver.
Crowd::~Crowd() {
    m_arrival_timer->Cancel();
    m_sweep_timer->Cancel();
    m_present.clear();
    m_first.reset();
    m_resolvers.clear();
}

Expected<std::unique_ptr<Crowd>> Crowd::Start(World& world, const ScenarioPki& pki,
                                              const tls::KeyLogSink& key_log, Duration first_at) {
    std::unique_ptr<Crowd> crowd(new Crowd(world, pki, key_log));
    const scenario::GuestConfig& guest = world.Scenario().guest_config;
    const std::size_t count = std::max<std::size_t>(1, guest.crowd.guests);
    crowd->m_arrivals = CrowdArrivals(count, devices::net::SimNow() + first_at, guest.crowd,
                                      world.ForkRng("crowd:arrivals"));
    crowd->m_records.resize(count);
    // The scenario's guest, as a run of one has it.
    auto first = StartSeatedBrowser(world, pki, key_log, crowd->SeatOf(1), first_at);
    if (!first)
        return first.Err();
    crowd->m_first = std::move(*first);
    if (count > 1) {
        crowd->m_arrival_timer->ScheduleAt(crowd->m_arrivals[1],
                                           [c = crowd.get()](Instant now) { c->ArriveNext(now); });
        crowd->m_sweep_timer->ScheduleAt(crowd->m_arrivals[1] + kSweepEvery,
                                         [c = crowd.get()](Instant now) { c->Sweep(now); });
    }
    return crowd;
}

// Guest 1 is the scenario's; the others take the crowd's nodes in turn, its call ID and
// stay, and a name and random streams of their own.
GuestSeat Crowd::SeatOf(std::size_t number) {
    const scenario::GuestConfig& guest = m_world.Scenario().guest_config;
    const scenario::CrowdConfig& crowd = guest.crowd;
    GuestSeat seat = FirstGuestSeat(guest);
    if (number > 1) {
        if (!crowd.nodes.empty())
            seat.node = crowd.nodes[(number - 2) % crowd.nodes.size()];
        if (!crowd.call_id.empty())
            seat.call_id = crowd.call_id;
        if (crowd.media_duration_s)
            seat.media_duration_s = *crowd.media_duration_s;
        seat.display_name = guest.display_name + " " + std::to_string(number);
        seat.tag = std::to_string(number);
    }
    auto& resolver = m_resolvers[seat.node];
    if (!resolver) {
        resolver = m_world.MakeResolver(seat.node);
        if (number > 1 && seat.node != guest.node)
            m_world.NoteDevice(seat.node, "browser");
    }
    seat.resolver = resolver.get();
    CrowdGuest& record = m_records[number - 1];
    record.number = number;
    record.node = seat.node;
    record.display_name = seat.display_name;
    record.call_id = seat.call_id;
    record.arrives = m_arrivals[number - 1];
    return seat;
}

void Crowd::ArriveNext(Instant now) {
    const std::size_t index = m_next++;
    auto browser = StartSeatedBrowser(m_world, m_pki, m_key_log, SeatOf(index + 1), Duration{0});
    if (!browser) {
        if (m_start_error.empty())
            m_start_error = "guest " + std::to_string(index + 1) + ": " + browser.Message();
    } else {
        m_present.push_back(Present{index + 1, std::move(*browser), std::nullopt});
    }
    if (m_next < m_arrivals.size())
        m_arrival_timer->ScheduleAt(m_arrivals[m_next], [this](Instant at) { ArriveNext(at); });
    (void)now;
}

// Lets go of the browsers that are done, keeping their outcome.
void Crowd::Sweep(Instant now) {
    std::vector<Present> still;
    still.reserve(m_present.size());
    for (Present& p : m_present) {
        if (!p.done_since && p.browser->App().Script().Done())
            p.done_since = now;
        if (p.done_since && now - *p.done_since >= kLingerAfterDone) {
            p.browser->Finish();
            Keep(p.number, *p.browser);
            p.browser.reset();
            continue;
        }
        still.push_back(std::move(p));
    }
    m_present = std::move(still);
    if (m_next < m_arrivals.size() || !m_present.empty())
        m_sweep_timer->ScheduleIn(kSweepEvery, [this](Instant at) { Sweep(at); });
}

void Crowd::Keep(std::size_t number, const GuestBrowser& browser) {
    m_records[number - 1].outcome = browser.Result();
}

void Crowd::Finish() {
    m_arrival_timer->Cancel();
    m_sweep_timer->Cancel();
    m_first->Finish();
    Keep(1, *m_first);
    for (Present& p : m_present) {
        p.browser->Finish();
        Keep(p.number, *p.browser);
    }
}

std::vector<CrowdGuest> Crowd::Guests() const {
    return std::vector<CrowdGuest>(m_records.begin(),
                                   m_records.begin() + static_cast<std::ptrdiff_t>(m_next));
}

} // namespace cmslab::network
