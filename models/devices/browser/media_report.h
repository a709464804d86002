// How the guest's browser takes each event of its media session: a line in its log and,
// where the event decides something, a report to the script (a stage verdict, media lost).
// Sans-I/O, so each event's reaction is tested without a network.
#pragma once

#include "browser/guest_script.h"
#include "common/time.h"
#include "media/session_events.h"

#include <functional>
#include <string>

namespace cmslab::browser {

void ReportMediaEvent(const media::Event& event, Instant now, GuestScript& script,
                      const std::function<void(const std::string&)>& log);

} // namespace cmslab::browser
