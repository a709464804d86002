// The signaling's candidate message and the ICE agent's candidate, both ways. Browser and
// CMS both read the peer's candidates from signaling and announce their own relay on it.
#pragma once

#include "ice/candidate.h"
#include "webapp/signaling.h"

#include <optional>

namespace cmslab::webapp {

// nullopt when the message is no usable candidate here: an address that is not a literal
// (mDNS names and the like) or a component outside 1-256.
std::optional<ice::Candidate> ToIceCandidate(const CandidateMessage& message);

CandidateMessage ToCandidateMessage(const ice::Candidate& candidate);

} // namespace cmslab::webapp
