#include "cms/c2w_trust.h"

namespace cmslab::cms {

bool TrustedCallBridge(const std::optional<pki::Certificate>& presented,
                       const std::vector<pki::Certificate>& trust) {
    if (!presented || presented->Empty())
        return false;
    const auto mine = presented->ComputeFingerprint("sha-256");
    for (const auto& cert : trust)
        if (!cert.Empty() && cert.ComputeFingerprint("sha-256") == mine)
            return true;
    return false;
}

} // namespace cmslab::cms
