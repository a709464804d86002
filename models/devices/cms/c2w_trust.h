// How the Web Bridge decides that a TLS client is the Call Bridge: the certificate the
// client presented is one of those in its c2w trust list (compared by SHA-256
// fingerprint, as a pinned certificate: the trust list holds the Call Bridge's own
// certificate, not a CA). Clients without a certificate are ordinary web clients.
#pragma once

#include "pki/certificate.h"

#include <optional>
#include <vector>

namespace cmslab::cms {

// POST here over TLS with the Call Bridge certificate: registers the c2w link.
inline constexpr const char* kC2wRegisterPath = "/api/c2w/register";

bool TrustedCallBridge(const std::optional<pki::Certificate>& presented,
                       const std::vector<pki::Certificate>& trust);

} // namespace cmslab::cms
