// What Expressway-E's log says about each event of its TURN server: one `turn:` line per
// event, in the product's terms, so that no event goes unrecorded. The lines the
// diagnosis reads come from the log contract (log_lines/expressway_e_lines.h).
#pragma once

#include "turn/server_events.h"

#include <optional>
#include <string>

namespace cmslab::expressway {

// The text of the `turn:` line for `event`; nullopt for the events that only ask the
// driver to act (open or close a relay socket).
std::optional<std::string> TurnEventLine(const turn::ServerEvent& event);

} // namespace cmslab::expressway
