// The SHA-256 of a scenario file's text, in lower-case hex. A run records it in
// summary.json ("source_sha256") so that a results folder can be matched to the very file
// that made it: `cmslab sweep --merge` refuses a folder run from another file.
#pragma once

#include <string>
#include <string_view>

namespace cmslab::scenario {

std::string Sha256Hex(std::string_view text);

} // namespace cmslab::scenario
