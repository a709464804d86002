// What the CMS application is configured with: plain values the harness fills from the
// scenario (sim/network/wire_cms.cpp), certificates already issued. Free of ns-3 and of
// the scenario format.
#pragma once

#include "cms/login_steps.h"
#include "cms/settings.h"
#include "common/address.h"
#include "common/time.h"
#include "pki/certificate.h"
#include "pki/identity.h"
#include "tls/config.h"
#include "tls/policy.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::cms {

struct CmsAppSettings {
    std::string node; // for the status page
    WebBridgeSettings web_bridge;
    std::vector<SpaceSettings> spaces;
    std::vector<TurnServerSettings> turn_servers; // created through the API at start
    std::vector<ApiUser> api_users;
    std::uint16_t admin_port = 443;
    // The box's own address: where its API client reaches its admin port.
    IpAddress address;

    std::optional<pki::Identity> web_bridge_identity;  // served on the web bridge port
    std::optional<pki::Identity> call_bridge_identity; // presented on the c2w link
    std::optional<pki::Identity> admin_identity;       // served on the admin port
    std::vector<pki::Certificate> c2w_trust;           // the web bridge accepts these Call Bridges

    std::int64_t epoch_unix_s = 0; // wall clock at simulated time zero
    tls::KeyLogSink key_log;
    tls::Policy tls; // versions and ciphers of all its TLS services (not DTLS)

    // Boot: when the API client creates the turnServers and the c2w link first starts.
    Duration start_delay = std::chrono::seconds(1);
    Duration c2w_retry_interval = std::chrono::seconds(10);
    // How often the TURN servers are probed again.
    Duration turn_probe_interval = std::chrono::seconds(60);
    // How long a call's TURN Allocate over UDP may go unanswered before the Call Bridge
    // allocates over TCP instead (as browsers move to the ?transport=tcp URL).
    Duration turn_tcp_fallback_after = std::chrono::seconds(5);
    // Where the box's numbering stands at start, and how long a guest login's steps take.
    BoxCounters counters;
    LoginStepTimes login_steps;
};

} // namespace cmslab::cms
