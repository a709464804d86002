// The administrator at a workstation using the CMS API, as the reference does with Postman:
// the scenario's admin_session (or the default one, admin_session_plan.h) played over the
// simulated network, so the captures and the key log show it: the API's name resolved with
// the workstation's DNS servers, HTTPS with Basic auth, the server certificate checked
// against the session's trusted authorities (or only reported, as curl -k does), the
// requests in order with the person's pauses, `{id}` filled from the answers. Every
// request and answer is written to api/session.log as it happens (format below). Not under
// logs/: that folder holds one log per box, named for the box.
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
    // Simulated seconds from the start; unset: the session's own `at`.
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
// the run is over. With no out_dir nothing is written. Returns null (and writes a session
// line saying why) when no session can be played (no CMS or workstation for the default
// one, credentials that cannot be encoded, a TLS client that cannot be made).
std::unique_ptr<ApiRecord> StartApiRecord(World& world, const ScenarioPki& pki,
                                          const tls::KeyLogSink& key_log,
                                          const std::string& out_dir,
                                          const ApiRecordOptions& options = {});

} // namespace cmslab::network
