// The Call Bridge's spaces as the API's coSpaces part reads and changes them: an
// interface, so that the API handler stays free of the Call Bridge and its tests can
// give it any directory.
#pragma once

#include "cms/settings.h"

#include <optional>
#include <string>
#include <vector>

namespace cmslab::cms {

struct SpaceRecord {
    std::string id; // the coSpace id the API names it by
    SpaceSettings settings;
};

class SpaceDirectory {
  public:
    virtual ~SpaceDirectory() = default;
    // The spaces that exist, in creation order.
    virtual std::vector<SpaceRecord> ListSpaces() const = 0;
    virtual std::optional<SpaceRecord> FindSpace(const std::string& id) const = 0;
    // Returns the new space's id.
    virtual std::string AddSpace(const SpaceSettings& settings) = 0;
    // False when no space has that id.
    virtual bool ModifySpace(const std::string& id, const SpaceSettings& settings) = 0;
    virtual bool RemoveSpace(const std::string& id) = 0;
};

} // namespace cmslab::cms
