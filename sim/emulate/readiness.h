// When a deployment is ready for a real client: read from the boxes' own status pages,
// as an administrator would before letting a guest in. The DNS servers answer from the
// moment they start; Expressway-C's traversal zone and its SSH tunnels must be up, and
// each CMS's web bridge link to Expressway-C (the guest_account_client_uri link) must be
// up. A box a real host stands in for is not judged.
#pragma once

#include "world.h"

#include <string>
#include <vector>

namespace cmslab::emulate {

struct Readiness {
    std::vector<std::string> ready;   // "DNS served by ext-dns", "tunnels up on vcsc", ...
    std::vector<std::string> waiting; // "web bridge link of cms: connecting", ...
    bool Ready() const { return waiting.empty(); }
};

Readiness JudgeReadiness(const network::World& world);

} // namespace cmslab::emulate
