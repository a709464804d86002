// Object ids as CMS writes them: random (version 4) UUIDs in lower-case 8-4-4-4-12 form,
// drawn from the lab's Rng so that a run's ids repeat with its seed.
#pragma once

#include "common/rng.h"

#include <string>
#include <string_view>

namespace cmslab::cms {

std::string NewUuid(Rng& rng);
bool IsUuid(std::string_view text);

} // namespace cmslab::cms
