// Installs the Cisco Meeting Server on every scenario node of role "cms": its typed
// configuration becomes the application's settings, the scenario's certificates its
// web bridge, Call Bridge and web admin identities and its c2w trust, the node's DNS
// servers its resolver; each gets its status page and device note.
#pragma once

#include "common/expected.h"
#include "scenario_pki.h"
#include "tls/config.h"
#include "world.h"

#include "ns3/ptr.h"

#include <map>
#include <string>

namespace cmslab::cms {
class CmsApp;
}

namespace cmslab::network {

// Call after World::Build (and before RunFor). `key_log`: the run's key log sink
// (KeyLogFile::Sink()), may be empty. Fails on a certificate the scenario names but
// does not issue. Returns the applications by node name.
Expected<std::map<std::string, ns3::Ptr<cms::CmsApp>>>
StartCms(World& world, const ScenarioPki& pki, const tls::KeyLogSink& key_log = {});

} // namespace cmslab::network
