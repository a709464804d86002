// The reference deployment (scenarios/reference.json) as the loader reads it, for tests
// that build its network and change a copy of it.
#pragma once

#include "scenario/scenario.h"

namespace cmslab::network::test {

// Throws when the file does not load: every test on it would be meaningless.
scenario::Scenario ReferenceNetwork();

} // namespace cmslab::network::test
