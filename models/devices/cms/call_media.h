// The Call Bridge's media for one web guest's call, sans-I/O: a media::Session as the
// CMS configures it (its own TURN allocation at the turnServers object's serverAddress
// with the API credentials, ICE controlled, DTLS as the client: setup `active`), and
// what is the CMS's own around it:
// - the signaling the browser needs (ICE credentials, the relayed candidate,
//   end-of-candidates, the DTLS fingerprint) and what the browser signals back;
// - when to start what: ICE once the relay exists, DTLS once a pair is selected and the
//   browser's fingerprint is known, audio as soon as the keys are there;
// - the product's words for failures: a refused allocation is "ICE failure 4
//   (unauthorized - check credentials)";
// - the relay's transport: an Allocate over UDP that gets no answer is given up for TURN
//   over TCP (RFC 8656 section 3.1) to the server's TCP port, as browsers go from
//   ?transport=udp to ?transport=tcp. The media session is the same code over either;
//   the relay to the browser stays UDP.
#pragma once

#include "common/address.h"
#include "common/rng.h"
#include "common/time.h"
#include "media/media_session.h"
#include "pki/fingerprint.h"
#include "webapp/signaling.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cmslab::cms {

// The Call Bridge's side of a call's media: ICE controlled (the browser offers), its
// product name as SOFTWARE in TURN requests, a channel to the browser once ICE is done.
media::SessionConfig CallBridgeSessionConfig();

struct CallMediaConfig {
    // The caller adds the TURN server and credentials, the scenario's clock, and the DTLS
    // context: client role (setup `active`), datagram transport, VerifyMode::Fingerprint,
    // use_srtp, the Call Bridge's certificate (the one `dtls_fingerprint` names). Without
    // a context DTLS starts (the event) but no handshake is run.
    media::SessionConfig session = CallBridgeSessionConfig();
    std::string dtls_fingerprint; // "AB:CD:..." (sha-256); empty: no dtls message
    // TURN over TCP when the Allocate over UDP (session.turn_server) gets no answer: the
    // port of the server's TCP listener (0: no fallback), and how long the UDP Allocate
    // may go unanswered (no challenge either) before it is given up.
    std::uint16_t turn_tcp_port = 0;
    Duration turn_tcp_fallback_after = std::chrono::seconds(5);
};

// The call's ICE failed: the product's "ICE failure <code> (<reason>)".
struct IceFailureEvent {
    int code = 0;
    std::string reason;
};
// A pair was selected: the Call Bridge starts DTLS as initiator.
struct DtlsStartEvent {};
struct DtlsFailureEvent {
    std::string reason;
};
// Something about the call's relay or ICE worth a line in the Call Bridge's log
// ("call N: <text>"); `warning` for what went wrong without ending the call here.
struct MediaNoteEvent {
    bool warning = false;
    std::string text;
};
// The UDP Allocate got no answer: the driver opens one TCP connection to `tcp_server`;
// from now on what PollDatagram gives is that stream's bytes (OnStreamData back).
struct TurnTcpFallbackEvent {
    Endpoint server; // over UDP, given up
    std::string why;
    Endpoint tcp_server;
};
// The relay exists, allocated over TCP.
struct TurnAllocatedOverTcpEvent {
    Endpoint relay;
    Endpoint server;
};
using CallMediaEvent =
    std::variant<IceFailureEvent, DtlsStartEvent, DtlsFailureEvent, MediaNoteEvent,
                 TurnTcpFallbackEvent, TurnAllocatedOverTcpEvent>;

class CallMedia {
  public:
    CallMedia(CallMediaConfig config, Rng rng);

    // Allocates at the TURN server and queues the first signaling (ICE credentials, DTLS).
    void Start(Instant now);
    // The browser's ice-parameters, candidate, end-of-candidates, dtls.
    void OnSignaling(const webapp::SignalingMessage& message, Instant now);
    // A datagram from the TURN server (ignored once the relay is over TCP).
    void OnDatagram(const Endpoint& from, ByteView data, Instant now);
    // Bytes of the TCP connection to the TURN server, and its end (after a fallback).
    void OnStreamData(ByteView data, Instant now);
    void OnStreamClosed(const std::string& why, Instant now);
    std::optional<Instant> NextTimeout() const;
    void HandleTimeout(Instant now);
    // The call ends: media stops, the allocation is deleted (a Refresh with lifetime 0).
    void Close(Instant now);

    // To the TURN server: a datagram over UDP, or bytes for the TCP connection once
    // OverTcp().
    std::optional<media::Datagram> PollDatagram() { return m_session->PollDatagram(); }
    std::optional<webapp::SignalingMessage> PollSignaling();
    std::optional<CallMediaEvent> PollEvent();
    // How the Call Bridge takes one event of its media session; the session's events come
    // here after every call above. Public so that each event's reaction can be tested
    // without a network.
    void OnSessionEvent(const media::Event& event, Instant now);

    const turn::Client& Turn() const { return m_session->Turn(); }
    const ice::Agent& Ice() const { return m_session->Ice(); }
    const tls::DtlsEndpoint* Dtls() const { return m_session->Dtls(); }
    const media::Counters& Stats() const { return m_session->GetCounters(); }
    bool OverTcp() const { return m_config.session.turn_transport == turn::Transport::Tcp; }
    // Where the TURN requests go now (the TCP port after a fallback).
    const Endpoint& TurnServer() const { return m_config.session.turn_server; }
    // The guest's stream as the Call Bridge received it (RFC 3550), and the round trip its
    // ICE agent measured on the selected pair: the CMS's side of the media figures.
    const rtp::ReceiverStats& Reception() const { return m_session->Reception(); }
    const ice::RoundTrip& RoundTrip() const { return m_session->Ice().SelectedRoundTrip(); }
    // "media received: 498 of 500 packets, 2 lost (0.40%), jitter 0.12 ms, round trip 7.21
    // ms": the line the Call Bridge logs when the call's media ends; "" if nothing came.
    std::string ReceptionSummary() const;
    bool Failed() const { return m_failed; }
    bool MediaFlowing() const { return m_session->KeysReady(); }

  private:
    void React(Instant now);
    void Fail(int code, std::string reason);
    void Note(bool warning, std::string text);
    void MaybeStartDtls(Instant now);
    void FallBackToTcp(const std::string& why, Instant now);

    CallMediaConfig m_config;
    Rng m_rng;
    std::unique_ptr<media::Session> m_session;
    // Until the UDP Allocate is answered (or given up): when it is given up for TCP.
    std::optional<Instant> m_tcp_fallback_at;
    // What the browser signaled, for a session started over again on TCP.
    std::optional<ice::Credentials> m_remote_credentials;
    std::vector<ice::Candidate> m_remote_candidates;
    bool m_remote_end = false;
    bool m_started = false;
    bool m_failed = false;
    bool m_connected = false;
    bool m_dtls_asked = false;
    bool m_closed = false;
    std::optional<pki::Fingerprint> m_remote_fingerprint;
    std::string m_remote_fingerprint_error;
    std::deque<webapp::SignalingMessage> m_signaling;
    std::deque<CallMediaEvent> m_events;
};

} // namespace cmslab::cms
