// The guest's browser on the simulated network: carries out what GuestScript asks with
// the node's resolver, TCP, TLS (the guest's trusted CAs, SNI, the SAN check), HTTP,
// the signaling WebSocket, and on one UDP port the call's media (a media::Session: TURN
// relay, ICE controlling, DTLS passive with a self-signed certificate whose fingerprint
// the script signals, SRTP, 20 ms audio), and reports back what happened. All behaviour
// lives in the script and the media session; this class only moves bytes and events.
#pragma once

#include "browser/guest_script.h"
#include "common/rng.h"
#include "guest_outcome/outcome.h"
#include "pki/certificate.h"
#include "tls/config.h"
#include "tls/policy.h"

#include "ns3/ptr.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ns3 {
class Node;
} // namespace ns3

namespace cmslab::devices {
class BoxLog;
class DnsResolver;
} // namespace cmslab::devices

namespace cmslab::browser {

struct BrowserSetup {
    ns3::Ptr<ns3::Node> node;
    // The node's system resolver (World::MakeResolver); kept alive by the caller.
    devices::DnsResolver* resolver = nullptr;
    std::vector<pki::Certificate> trusted_cas;
    std::int64_t epoch_unix_s = 0;         // the scenario's clock, for certificate validity
    tls::KeyLogSink key_log;               // NSS key log lines (sslkeys.log); may be empty
    tls::Policy tls;                       // what the browser offers (versions, TLS 1.2 ciphers)
    devices::BoxLog* log = nullptr;        // the guest's log; may be null
    std::string log_component = "browser"; // one of a crowd: "browser#7"
    Rng rng{1};
    ScriptConfig script;
};

class BrowserApp {
  public:
    static Expected<std::unique_ptr<BrowserApp>> Create(BrowserSetup setup);
    ~BrowserApp();
    BrowserApp(const BrowserApp&) = delete;
    BrowserApp& operator=(const BrowserApp&) = delete;

    // The guest starts typing the URL at simulated time `at` from now.
    void StartIn(Duration at);
    // The run is over: stages still in progress fail, connections close.
    void Finish();

    const GuestScript& Script() const;
    outcome::Outcome Result() const;

    struct Impl;

  private:
    explicit BrowserApp(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cmslab::browser
