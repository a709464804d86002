// The reference deployment's network (deployment.md sections 1 and 3) as a Scenario made
// in code, with the node names of scenarios/reference.json.
#pragma once

#include "scenario/scenario.h"

namespace cmslab::network::test {

scenario::Scenario ReferenceNetwork();

} // namespace cmslab::network::test
