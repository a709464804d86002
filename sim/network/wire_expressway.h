// Installs the Expressway boxes on the scenario's nodes of role "expressway_e" and
// "expressway_c": their typed configuration becomes the applications' settings, the
// scenario's certificates their identities and trust, the node's DNS servers
// Expressway-C's resolver; each gets its status page and device note.
#pragma once

#include "common/expected.h"
#include "scenario_pki.h"
#include "tls/config.h"
#include "world.h"

#include "ns3/ptr.h"

#include <map>
#include <string>

namespace cmslab::expressway {
class ExpresswayCApp;
class ExpresswayEApp;
} // namespace cmslab::expressway

namespace cmslab::network {

struct ExpresswayApps {
    std::map<std::string, ns3::Ptr<expressway::ExpresswayEApp>> e; // by node name
    std::map<std::string, ns3::Ptr<expressway::ExpresswayCApp>> c;
};

// Call after World::Build (and before RunFor). `key_log`: the run's key log sink
// (KeyLogFile::Sink()), may be empty. Fails on a certificate the scenario names but
// does not issue.
Expected<ExpresswayApps> StartExpressways(World& world, const ScenarioPki& pki,
                                          const tls::KeyLogSink& key_log = {});

} // namespace cmslab::network
