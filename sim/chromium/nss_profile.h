// A fresh Chromium profile for one guest: a user data folder, and the NSS database that
// Chromium on Linux takes its trust from ($HOME/.pki/nssdb), holding exactly the
// authorities the scenario's guest trusts: no system roots, nothing of another run.
#pragma once

#include "common/expected.h"

#include <string>
#include <utility>
#include <vector>

namespace cmslab::chromium {

struct ChromiumProfile {
    std::string home;          // HOME for the browser: <dir>/home
    std::string user_data_dir; // --user-data-dir: <dir>/user-data
};

// Makes <dir>/home/.pki/nssdb with `certutil` (libnss3-tools) and adds each (name, PEM
// file) as a trusted authority for TLS servers. An error names the certutil step.
Expected<ChromiumProfile> MakeProfile(const std::string& dir,
                                      const std::vector<std::pair<std::string, std::string>>& cas);

} // namespace cmslab::chromium
