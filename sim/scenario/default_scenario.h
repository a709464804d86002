// The scenario used when a command names none: the reference deployment of the source tree.
#pragma once

#include <string>

namespace cmslab::scenario {

// $CMSLAB_SOURCE_DIR/scenarios/reference.json when that variable is set in the
// environment, else scenarios/reference.json of the source tree this program was built
// from.
std::string DefaultScenarioPath();

} // namespace cmslab::scenario
