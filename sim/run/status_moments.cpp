#include "status_moments.h"

#include "results_writer.h"
#include "wire_browser.h"
#include "world.h"

#include <string>

namespace cmslab::run {

namespace {

using namespace std::chrono_literals;

// Often enough that a moment is taken within a tenth of a second of when it happens.
constexpr Duration kLookEvery = 100ms;
// How long the media must have flowed before the page shows it settled.
constexpr Duration kMediaSettled = 1s;

// Simulated time in tenths of a second, as the file names and summary.json give it.
long long Tenths(Instant t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t).count() / 100;
}

// "13.2".
std::string SecondText(long long tenths) {
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

} // namespace

StatusMoments::StatusMoments(const network::World& world, const network::GuestBrowser& guest,
                             std::string out_dir)
    : m_world(world), m_guest(guest), m_out_dir(std::move(out_dir)) {}

void StatusMoments::Start() {
    m_timer.ScheduleIn(kLookEvery, [this](Instant now) { Look(now); });
}

void StatusMoments::Look(Instant now) {
    const outcome::Outcome seen = m_guest.Result();
    if (!m_failure_taken) {
        for (const auto& record : seen.stages) {
            if (record.status == outcome::StageStatus::Failed) {
                Take(std::string(outcome::StageKey(record.stage)) + " failed", now);
                m_failure_taken = true;
                break;
            }
        }
    }
    if (!m_media_taken && seen.media.BothWays()) {
        if (!m_media_since)
            m_media_since = now;
        if (now - *m_media_since >= kMediaSettled) {
            Take("media flowing", now);
            m_media_taken = true;
        }
    }
    if (!(m_media_taken && m_failure_taken) && !m_error)
        m_timer.ScheduleIn(kLookEvery, [this](Instant later) { Look(later); });
}

void StatusMoments::Take(const std::string& moment, Instant now) {
    const long long tenths = Tenths(now);
    auto files = network::WriteStatusPages(m_world, m_out_dir, SecondText(tenths));
    if (!files) {
        m_error = files.Err();
        return;
    }
    m_taken.push_back(
        {{"moment", moment}, {"at_s", static_cast<double>(tenths) / 10}, {"files", *files}});
}

Expected<nlohmann::json> StatusMoments::Taken() const {
    if (m_error)
        return *m_error;
    return m_taken;
}

} // namespace cmslab::run
