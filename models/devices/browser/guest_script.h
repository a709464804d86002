// What the guest's browser does, as a sans-I/O state machine: events in (DNS answer, TCP,
// TLS, HTTP answers, WebSocket messages, TURN, ICE, DTLS, media, timers), actions out
// (resolve, connect, send a request, allocate a relay, start ICE or DTLS, send media).
// It records each stage of the join and the screen the guest sees; its driver (the
// ns-3 BrowserApp, or a test) carries out the actions and reports what happened.
//
// The sequence follows the product (reference section 6): resolve the URL's host, TCP,
// TLS with SNI and certificate check, GET the page, and if it offers `Join call` post
// the call ID and passcode, then the display name, open the signaling WebSocket, learn
// the TURN server, allocate a relay, ICE, DTLS (the browser passive: the CMS starts it),
// media both ways. Without media 30 s after joining the web app gives up and shows the
// join page again.
#pragma once

#include "common/address.h"
#include "common/state_machine.h"
#include "common/time.h"
#include "guest_outcome/outcome.h"
#include "guest_outcome/stage.h"
#include "tls/event.h"
#include "webapp/signaling.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cmslab::browser {

struct ScriptConfig {
    std::string url;   // as the guest typed it, for the address bar
    bool https = true; // scheme
    std::string host;  // name or address literal
    std::uint16_t port = 443;
    std::string path = "/";
    std::string call_id;
    std::string passcode;
    std::string display_name;
    Duration media_duration = std::chrono::seconds(10);
    Duration give_up_after = std::chrono::seconds(30); // no media this long after joining
    // A TURN URL whose Allocate has had no answer this long is given up for the next one
    // of iceServers (?transport=udp first, then ?transport=tcp): a firewall that drops
    // UDP to the TURN server costs this much, not the whole give-up time.
    Duration turn_fallback_after = std::chrono::seconds(5);
    // What the guest accepts of the media received: beyond either, the media stage fails
    // with the figures (unset: anything that flows both ways is media).
    std::optional<double> max_loss_percent;
    std::optional<double> max_jitter_ms;
    // The browser's side of ICE and DTLS, made by the driver (from its Rng and its DTLS
    // certificate): sent to the CMS over signaling.
    std::string ice_ufrag;
    std::string ice_pwd;
    std::string dtls_fingerprint; // "AB:CD:..." of the browser's DTLS certificate, sha-256
    // At a certificate warning the guest clicks through ("Proceed ... (unsafe)"), as
    // people do; false: they stop there.
    bool proceed_past_certificate_warning = false;
};

// --- actions the driver carries out -------------------------------------------------

struct ResolveHost {
    std::string host;
};
struct ConnectTcp {
    Endpoint server;
};
struct StartTls {
    std::string server_name; // SNI and the name checked against the SAN list
    // The sha-256 fingerprint ("AB:CD:...") of a certificate the guest accepted at a
    // warning: that certificate is taken whatever the checks say; empty: checked as usual.
    std::string accepted_certificate;
};
// One HTTP/1.1 request on the page's connection (Host is the URL's host).
struct SendHttpRequest {
    std::string method;
    std::string target;
    std::string content_type; // "" without a body
    std::string body;
};
// A WebSocket upgrade to the same origin, on a connection of its own.
struct OpenWebSocket {
    std::string target;
    std::string protocol;
};
struct SendSignaling {
    webapp::SignalingMessage message;
};
// Allocate at the TURN server named by the web app's iceServers.
struct AllocateRelay {
    std::string host; // address literal or name
    std::uint16_t port = 3478;
    std::string transport; // "udp" or "tcp"
    std::string username;
    std::string password;
};
// Start ICE checks from the relay with what the CMS sent so far.
struct StartIce {
    webapp::IceParametersMessage remote;
    std::vector<webapp::CandidateMessage> candidates;
};
struct AddRemoteCandidate {
    webapp::CandidateMessage candidate;
};
// DTLS as the server (passive): the CMS is the initiator. The peer's certificate must
// match `remote_fingerprint`.
struct StartDtls {
    std::string hash_function;
    std::string remote_fingerprint;
};
struct StartMedia {
    Duration duration{0};
};
struct StopMedia {};
// Drop every connection and allocation; the script is done.
struct CloseAll {
    std::string reason;
};

using Action = std::variant<ResolveHost, ConnectTcp, StartTls, SendHttpRequest, OpenWebSocket,
                            SendSignaling, AllocateRelay, StartIce, AddRemoteCandidate, StartDtls,
                            StartMedia, StopMedia, CloseAll>;
const char* ActionName(const Action& action);

// --- what the driver reports ----------------------------------------------------------

enum class TcpFailure { Refused, TimedOut, Reset };

struct TlsSummary {
    std::string version; // "TLSv1.3"
    std::string cipher;
    std::string server_name;               // SNI sent
    std::vector<std::string> served_names; // SAN DNS names of the served certificate
    std::string issuer;                    // of the served certificate
};

struct CertificateRejection {
    std::vector<tls::VerifyError> errors; // the first decided
    std::vector<std::string> served_names;
    std::string alert_sent;  // "bad_certificate", "unknown_ca"...; "" if none
    std::string fingerprint; // sha-256 of the served certificate, "AB:CD:..."; "" if unknown
    std::string version;     // how far TLS got: the version offered/negotiated, if known
};

class GuestScript {
  public:
    explicit GuestScript(ScriptConfig config);

    void Start(Instant now);

    void OnDnsAnswer(Instant now, const std::vector<IpAddress>& addresses);
    void OnDnsFailure(Instant now, const std::string& reason); // "NXDOMAIN", "timeout"...

    void OnTcpConnected(Instant now);
    void OnTcpFailed(Instant now, TcpFailure why, const std::string& detail);

    void OnTlsEstablished(Instant now, const TlsSummary& tls);
    void OnCertificateRejected(Instant now, const CertificateRejection& rejection);
    void OnTlsFailed(Instant now, const std::string& detail);

    // The answer to the last SendHttpRequest.
    void OnHttpResponse(Instant now, int status, const std::string& reason,
                        const std::string& body);
    // The page's connection closed (or broke) with a request outstanding.
    void OnConnectionClosed(Instant now, const std::string& detail);

    void OnWebSocketOpen(Instant now);
    void OnWebSocketRefused(Instant now, int status, const std::string& reason);
    void OnWebSocketText(Instant now, const std::string& text);
    void OnWebSocketClosed(Instant now, const std::string& detail);

    void OnTurnChallenged(Instant now, const std::string& realm);
    void OnTurnAllocated(Instant now, const Endpoint& relayed, const Endpoint& mapped);
    // code 0: no answer at all.
    void OnTurnFailed(Instant now, int code, const std::string& reason);

    void OnIceConnected(Instant now, const std::string& pair);
    void OnIceFailed(Instant now, const std::string& detail);

    void OnDtlsConnected(Instant now, const std::string& version, const std::string& srtp_profile);
    void OnDtlsFailed(Instant now, const std::string& detail);

    // One RTP packet on the wire (size as sent), each way; `protection` "srtp" or "rtp".
    void OnMediaSent(Instant now, std::size_t size, const std::string& protection);
    void OnMediaReceived(Instant now, std::size_t size);
    // The received stream's RFC 3550 figures so far (the driver's media session counts).
    void OnMediaReception(const outcome::Reception& reception,
                          const outcome::RoundTrip& round_trip);
    // The media path broke for good (the relay or the permission to the meeting is gone):
    // the call ends, and the media stage is judged on what flowed.
    void OnMediaLost(Instant now, const std::string& reason);

    std::optional<Instant> NextTimeout() const;
    void HandleTimeout(Instant now);

    // The run ended: stages still in progress fail with what was awaited.
    void Finish(Instant now);

    std::optional<Action> PollAction();
    // One line per stage verdict and per screen change, for the guest's log.
    std::optional<std::string> PollLog();

    // The media half of the join, after `joined`: one phase at a time.
    enum class MediaPhase {
        Waiting,       // not joined yet
        Allocating,    // AllocateRelay asked
        RelayReady,    // relay allocated and signalled; awaiting the CMS's ICE parameters
        IceChecking,   // StartIce asked
        IceConnected,  // a pair selected; awaiting the CMS's DTLS parameters
        DtlsHandshake, // StartDtls asked (passive)
        Sending,       // keys ready, media going out; none received yet
        InCall,        // media received: the meeting shows
        Ended,         // media stopped, or the web app left the call
        Failed,        // TURN, ICE or DTLS failed: no media will come
    };
    // What moves the media phase; MoveMedia is the only place the phase changes.
    enum class MediaStep {
        Allocate,
        TryNextTurnUrl, // the current TURN URL got no answer; the next one is tried
        NoTurnServer,
        RelayAllocated,
        TurnFailed,
        StartIce,
        IceConnected,
        IceFailed,
        StartDtls,
        DtlsConnected,
        DtlsFailed,
        MediaReceived,
        MediaEnded,
    };
    static const char* MediaPhaseName(MediaPhase phase);
    // The phase `step` leads to from `from`; nullopt when the step makes no sense there.
    static std::optional<MediaPhase> NextMediaPhase(MediaPhase from, MediaStep step);

    bool Done() const { return m_phase == Phase::Done; }
    MediaPhase GetMediaPhase() const { return m_media_phase.Get(); }
    // Reports that came in a media phase where they mean nothing (a late TURN answer, a
    // DTLS result after the guest left): ignored, and counted here.
    std::uint64_t OutOfPhaseEvents() const { return m_media_phase.Refused(); }
    const outcome::StageRecorder& Stages() const { return m_stages; }
    const outcome::GuestView& View() const { return m_view; }
    const outcome::MediaCounters& Media() const { return m_media; }
    outcome::Outcome Result() const;

  private:
    enum class Phase {
        Idle,
        Resolving,
        Connecting,
        TlsHandshake,
        LoadingPage,
        LookingUpCall,
        LoggingIn,
        OpeningSignaling,
        Joining, // signaling open, `join` sent, awaiting `joined`
        InSpace, // joined: TURN, ICE, DTLS, media
        Done,
    };

    void Act(Action action) { m_actions.push_back(std::move(action)); }
    void Log(std::string line) { m_log.push_back(std::move(line)); }
    void Ok(outcome::Stage stage, Instant now, std::string detail);
    void Fail(outcome::Stage stage, Instant now, std::string detail);
    void Show(outcome::GuestView view);
    void End(Instant now, const std::string& reason);

    void ConnectNext(Instant now);
    void SendRequest(const std::string& method, const std::string& target,
                     const std::string& content_type, const std::string& body);
    void OnPage(Instant now, int status, const std::string& reason, const std::string& body);
    void OnJoinAnswer(Instant now, int status, const std::string& body);
    void OnSignaling(Instant now, const webapp::SignalingMessage& message);
    void OnJoined(Instant now, const webapp::JoinedMessage& joined);
    void TryTurnUrl(Instant now, std::size_t index);
    bool NextTurnUrl(Instant now, const std::string& why);
    void MaybeStartIce();
    void MaybeStartDtls(Instant now);
    // Moves the media phase by `step`, or counts an out-of-phase event and returns false.
    bool MoveMedia(MediaStep step) { return m_media_phase.Move(step); }
    bool MediaFlowing() const {
        return m_media_phase.Get() == MediaPhase::Sending ||
               m_media_phase.Get() == MediaPhase::InCall;
    }
    void GiveUp(Instant now);
    // What the address bar says about the page: https whose certificate checked out.
    bool Secure() const { return m_config.https && m_accepted_certificate.empty(); }
    void EndMedia(Instant now);
    std::string MediaDetail() const;
    std::string QualityShortfall() const;

    ScriptConfig m_config;
    Phase m_phase = Phase::Idle;
    outcome::StageRecorder m_stages;
    outcome::GuestView m_view;
    outcome::MediaCounters m_media;
    std::deque<Action> m_actions;
    std::deque<std::string> m_log;

    std::vector<IpAddress> m_addresses;
    std::size_t m_next_address = 0;
    std::vector<std::string> m_tcp_failures;
    std::string m_last_request;         // "GET /", for details
    std::string m_accepted_certificate; // clicked through a warning: that certificate
    bool m_sign_in = false;
    // Where the page's forms post: the page says (the web app's defaults when it does not).
    std::string m_call_id_action;
    std::string m_name_action;
    std::string m_space_name;
    std::string m_session;
    std::vector<std::string> m_participants;
    std::string m_turn_server; // "host:port/udp"
    std::string m_turn_user;
    std::vector<AllocateRelay> m_turn_choices; // usable TURN URLs, in the order tried
    std::size_t m_turn_choice = 0;             // the one being tried
    std::vector<std::string> m_turn_abandoned; // "host:port/udp: no answer after 5 s"
    std::optional<Instant> m_turn_fallback_at;
    std::string m_turn_realm;                    // from the 401 challenge
    std::optional<Instant> m_turn_challenged_at; // when the 401 challenge arrived
    StateMachine<MediaPhase, MediaStep> m_media_phase{MediaPhase::Waiting, &NextMediaPhase};
    std::optional<webapp::IceParametersMessage> m_remote_ice;
    std::vector<webapp::CandidateMessage> m_remote_candidates;
    std::optional<webapp::DtlsMessage> m_remote_dtls;

    std::optional<Instant> m_give_up_at;
    std::optional<Instant> m_media_end_at;
};

} // namespace cmslab::browser
