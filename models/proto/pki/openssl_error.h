// OpenSSL reports failures on a per-thread error queue; these turn it into the lab's
// error messages.
#pragma once

#include <string>
#include <string_view>

#include "common/expected.h"

namespace cmslab::pki {

// Empties the calling thread's OpenSSL error queue and returns its entries, "; "-joined,
// in OpenSSL's own words ("error:0A000086:SSL routines::certificate verify failed").
std::string DrainOpenSslErrors();

// An Error whose message is `what`, followed by the drained OpenSSL errors if any.
Error OpenSslError(std::string_view what);

} // namespace cmslab::pki
