#include "scenario/default_scenario.h"

#include <cstdlib>

namespace cmslab::scenario {

std::string DefaultScenarioPath() {
    const char* dir = std::getenv("CMSLAB_SOURCE_DIR");
    const std::string root = (dir && *dir) ? dir : CMSLAB_SOURCE_DIR;
    return root + "/scenarios/reference.json";
}

} // namespace cmslab::scenario
