// Cisco Meeting Server on ns-3 (Call Bridge, Web Bridge and API on one box): a thin
// adapter that moves bytes between the node's sockets and the sans-I/O product logic.
//
// - Web Bridge: HTTPS on its port with its certificate; the web app's page, join form
//   and WebSocket signaling (WebBridge); the c2w registration from the Call Bridge.
// - API: HTTPS (HTTP when no certificate is configured) on the admin port (ApiHandler).
// - At start, an HTTP client on the box POSTs each configured turnServers object to the
//   box's own admin address, as an administrator does; each created object is probed
//   (TurnProbe, STUN over UDP) and the result shows in its /status.
// - The c2w link (CallBridgeLink): the DNS lookup through the box's resolver, TCP and
//   TLS to the Guest account client URI, then the registration; retried while down.
//   `Join call` is on the page only while it is up.
// - Status page: faults, alarms, the link, the turnServers and their probes.
//
// - Media: on join, the Call Bridge allocates at the first turnServers object with the
//   API credentials and runs ICE on that relay (CallMedia), signalling its ICE
//   credentials, candidate and DTLS fingerprint (setup active); a refused allocation
//   is the call's "ICE failure 4"; a selected pair starts DTLS as initiator (the log
//   line) with the browser's fingerprint from signaling, then SRTP audio both ways
//   until the call ends; the status page counts the media.
//
// Include only from ns-3 adapter code.
#pragma once

#include "box_log.h"
#include "cms/api_handler.h"
#include "cms/call_bridge.h"
#include "cms/call_bridge_link.h"
#include "cms/call_media.h"
#include "cms/cms_app_config.h"
#include "cms/turn_probe.h"
#include "cms/web_bridge.h"

#include "ns3/application.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>

namespace cmslab::devices {
class DnsResolver;
}
namespace cmslab::devices::net {
class ByteStream;
class HttpClientSession;
class HttpServerSession;
class HttpResponder;
class TcpListener;
class Timer;
class TlsStream;
class UdpPort;
class WebSocketSession;
} // namespace cmslab::devices::net
namespace cmslab::tls {
class Context;
}

namespace cmslab::cms {

namespace net = devices::net;

class CmsApp : public ns3::Application {
  public:
    static ns3::TypeId GetTypeId();
    CmsApp();
    ~CmsApp() override;

    // Before the application starts. `resolver`: the box's system resolver. `log` may
    // be null.
    void Configure(CmsAppSettings settings, std::unique_ptr<devices::DnsResolver> resolver,
                   devices::BoxLog* log, Rng rng);

    nlohmann::json Status() const;
    bool LinkUp() const;
    const CallBridgeLink* Link() const { return m_link.get(); }
    const ApiHandler* Api() const { return m_api.get(); }
    const CallBridge* Bridge() const { return m_call_bridge.get(); }
    // turnServers objects the start-up API client could not create, with why.
    const std::vector<std::string>& ApiErrors() const { return m_api_errors; }

  private:
    struct Probe;
    struct C2w;
    struct Media;

    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;

    void Log(std::string_view level, const std::string& text);
    void Boot();
    void RouteOwnAddressesLocally();

    // TLS on a connection, the same for every TLS connection of the box: certificates
    // are judged at the simulated wall-clock time, and the connection gets a random
    // stream of its own named `rng_label`. AcceptTls: the server side (web bridge, web
    // admin), with `context` giving the box's certificate; ConnectTls: the client side
    // (the Call Bridge's link to the web bridge, the API client), the peer judged for
    // `server_name`.
    std::unique_ptr<net::TlsStream> AcceptTls(std::unique_ptr<net::ByteStream> transport,
                                              std::shared_ptr<const tls::Context> context,
                                              const std::string& rng_label);
    std::unique_ptr<net::TlsStream> ConnectTls(std::unique_ptr<net::ByteStream> transport,
                                               std::shared_ptr<const tls::Context> context,
                                               const std::string& server_name,
                                               const std::string& rng_label);

    // Servers.
    void ListenWebBridge();
    void ListenAdmin();
    void HandleWebRequest(std::uint64_t conn, http::Request request, net::HttpResponder responder);
    void OpenSignaling(const std::string& session, net::HttpResponder responder);
    void DeliverSignaling(const WebBridge::SignalingResult& result);
    // What follows a session's signaling result, at once or when the join's steps end:
    // the messages, the call's media started or stopped, the channel closed.
    void AfterSignaling(const std::string& session, const WebBridge::SignalingResult& result);
    // The Call Bridge's login steps, each a simulator event after its delay.
    void ScheduleStep(Duration delay, std::function<void()> step);
    void DropServerSession(std::map<std::uint64_t, std::unique_ptr<net::HttpServerSession>>& from,
                           std::uint64_t id);

    // The API client creating the configured turnServers.
    void CreateTurnServers();
    void PostNextTurnServer();

    // TURN probes.
    void StartProbe(const std::string& id);
    void ProbeResolved(const std::string& id, const Endpoint& server);
    void ArmProbe(const std::string& id);

    // A call's media (CallMedia): started when the guest joins, fed the browser's
    // media signaling, stopped when the session ends.
    void StartMedia(const std::string& session);
    void PumpMedia(const std::string& session);
    void SendToTurnServer(const std::string& session, Media& m);
    void StopMedia(const std::string& session);

    // The c2w link.
    void ApplyLink(const LinkStep& step);
    void LinkChanged();

    CmsAppSettings m_settings;
    std::unique_ptr<devices::DnsResolver> m_resolver;
    devices::BoxLog* m_log = nullptr;
    std::optional<Rng> m_rng;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);

    std::unique_ptr<ApiHandler> m_api;
    std::unique_ptr<CallBridge> m_call_bridge;
    std::unique_ptr<WebBridge> m_web_bridge;
    std::unique_ptr<CallBridgeLink> m_link;

    std::shared_ptr<const tls::Context> m_web_ctx;
    std::shared_ptr<const tls::Context> m_admin_ctx;
    std::shared_ptr<const tls::Context> m_c2w_ctx;
    std::shared_ptr<const tls::Context> m_api_client_ctx;

    std::unique_ptr<net::TcpListener> m_web_listener;
    std::unique_ptr<net::TcpListener> m_admin_listener;
    std::uint64_t m_next_conn = 1;
    std::map<std::uint64_t, std::unique_ptr<net::HttpServerSession>> m_web_sessions;
    std::map<std::uint64_t, std::unique_ptr<net::HttpServerSession>> m_admin_sessions;
    std::map<std::string, std::unique_ptr<net::WebSocketSession>> m_signaling;
    std::optional<std::uint64_t> m_c2w_server_conn; // the registered Call Bridge connection

    std::unique_ptr<net::HttpClientSession> m_api_client;
    std::size_t m_next_turn_server = 0;
    std::vector<std::string> m_api_errors;

    std::map<std::string, std::unique_ptr<Probe>> m_probes;

    std::map<std::string, std::unique_ptr<Media>> m_media;
    std::string m_dtls_fingerprint; // of the Call Bridge's DTLS certificate
    std::shared_ptr<const tls::Context> m_dtls_ctx;
    media::Counters m_media_totals; // of the calls that ended

    struct Step;
    std::map<std::uint64_t, std::unique_ptr<Step>> m_steps; // pending login steps
    std::uint64_t m_next_step = 1;

    std::unique_ptr<C2w> m_c2w;
    std::unique_ptr<net::Timer> m_link_timer;
    std::unique_ptr<net::Timer> m_boot_timer;
    bool m_was_up = false;
    std::uint64_t m_pages_served = 0;
};

} // namespace cmslab::cms
