#include "reference_network.h"

#include "scenario/loader.h"

#include <stdexcept>

namespace cmslab::network::test {

scenario::Scenario ReferenceNetwork() {
    const std::string path = std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json";
    scenario::LoadResult loaded = scenario::LoadScenario(path);
    if (!loaded.Ok())
        throw std::runtime_error(path + " does not load:\n" + loaded.Report());
    return std::move(*loaded.scenario);
}

} // namespace cmslab::network::test
