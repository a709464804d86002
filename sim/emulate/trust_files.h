// The scenario's trust, as files a real client can be given: ca/<name>.pem for every
// authority and every self-signed certificate of the scenario (the things a trust list
// can name), so `curl --cacert ca/lab-ca.pem` trusts exactly what the scenario's guest
// trusts.
#pragma once

#include "common/expected.h"
#include "scenario_pki.h"

#include <string>
#include <vector>

namespace cmslab::emulate {

// Writes <out_dir>/ca/<name>.pem; returns the files written, relative to out_dir.
Expected<std::vector<std::string>> WriteTrustFiles(const scenario::Pki& spec,
                                                   const network::ScenarioPki& pki,
                                                   const std::string& out_dir);

} // namespace cmslab::emulate
