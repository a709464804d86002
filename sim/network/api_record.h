// What an administrator does to check a Meeting Server's TURN settings: from a workstation
// on the CMS's LAN, HTTPS with Basic auth to the web admin port, GET /api/v1/turnServers,
// then GET /api/v1/turnServers/<id> and /<id>/status for each object listed. The session
// crosses the simulated network (so the captures and the key log show it) late in the run,
// after the Call Bridge has probed its TURN servers, and every request and answer is
// written to api/session.log as it happens (see the format below). Not under logs/: that
// folder holds one log per box, named for the box.
//
// api/session.log, one block per event, each starting with the scenario's wall clock:
//   <date> <time.ms> session: <what happened to the connection or TLS>
//   <date> <time.ms> request N:
//   <the request as sent: start line, header fields, blank line, body>
//   <date> <time.ms> response N after <x.xxx> ms:
//   <the response as received: status line, header fields, blank line, body>
// A request without a response block got none before the run ended (or a session line
// says why).
#pragma once

#include "scenario_pki.h"
#include "tls/config.h"
#include "world.h"

#include <memory>
#include <optional>
#include <string>

namespace cmslab::network {

struct ApiRecordOptions {
    // Simulated seconds from the start; unset: 5 s before the end of the run (but not
    // before half of it), long after the probe that follows the CMS's boot.
    std::optional<double> at_s;
};

class ApiRecord {
  public:
    struct Impl;
    explicit ApiRecord(std::unique_ptr<Impl> impl);
    // Abandons a session still running: what it got so far is already written.
    ~ApiRecord();
    ApiRecord(const ApiRecord&) = delete;
    ApiRecord& operator=(const ApiRecord&) = delete;

  private:
    std::unique_ptr<Impl> m_impl;
};

// Call after World::Build and the CMS's start, before RunFor; keep the result alive until
// the run is over. The API is the first CMS node's (its first interface, the web admin port,
// the first web admin user); the workstation is the first other host (not a router or
// NAT/firewall) with an interface on that network, in scenario order. The server
// certificate is judged against the scenario's authorities and reported, not enforced, as
// `curl -k` does for an address. With no out_dir nothing is written. Returns null (and
// writes a session line saying why) when the scenario has no such CMS or workstation.
std::unique_ptr<ApiRecord> StartApiRecord(World& world, const ScenarioPki& pki,
                                          const tls::KeyLogSink& key_log,
                                          const std::string& out_dir,
                                          const ApiRecordOptions& options = {});

} // namespace cmslab::network
