// The Call Bridge's media set-up for one web guest's call, sans-I/O: its own TURN
// allocation at the turnServers object's serverAddress with the API credentials, an ICE
// agent whose only local candidate is that relay, and the signaling the browser needs
// (ICE credentials, the relayed candidate, end-of-candidates, the DTLS fingerprint with
// setup `active`: the CMS starts DTLS).
//
// Everything goes to and from the TURN server: datagrams out are for it, datagrams in
// come from it. Events: the call's ICE failure (the product's "ICE failure 4
// (unauthorized - check credentials)" when the TURN server refuses the credentials),
// and the selected pair, after which the Call Bridge starts DTLS as initiator (the DTLS
// client) over it, checking the browser's certificate against the fingerprint the
// browser signalled; then SRTP with the keys the DTLS handshake exports (use_srtp) and
// audio as RTP every 20 ms both ways until Close.
//
// What arrives through the relay is told apart by its first byte (RFC 7983): STUN to
// ICE, DTLS to the handshake, RTP to SRTP.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "ice/agent.h"
#include "pki/fingerprint.h"
#include "pki/unix_time.h"
#include "srtp/session.h"
#include "tls/context.h"
#include "tls/dtls_endpoint.h"
#include "turn/client.h"
#include "webapp/signaling.h"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace cmslab::cms {

struct CallMediaConfig {
    Endpoint turn_server;
    std::string username;
    std::string password;
    std::string dtls_fingerprint; // "AB:CD:..." (sha-256); empty: no dtls message
    ice::Role role = ice::Role::Controlled;
    // Client role, datagram transport, VerifyMode::Fingerprint, use_srtp: the Call
    // Bridge's DTLS certificate (the one `dtls_fingerprint` names). Null: DTLS starts
    // (the event) but no handshake is run.
    std::shared_ptr<const tls::Context> dtls_context;
    pki::UnixTime epoch_unix_s = 0; // the scenario's clock, for the DTLS endpoint
    // Audio: 20 ms frames of a dynamic payload type at 48 kHz, as negotiated for Opus.
    Duration packet_interval = std::chrono::milliseconds(20);
    std::size_t payload_bytes = 60;
    std::uint8_t payload_type = 111;
    std::uint32_t clock_rate = 48000;
};

struct MediaEvent {
    enum class Type { IceFailure, Connected, DtlsStart, DtlsConnected, DtlsFailure };
    Type type = Type::IceFailure;
    int code = 0; // IceFailure
    // IceFailure: the product's words where known; Connected: the pair; DtlsConnected:
    // "DTLSv1.2, SRTP_AES128_CM_SHA1_80"; DtlsFailure: why.
    std::string reason;
};

struct MediaStats {
    std::uint64_t packets_sent = 0;
    std::uint64_t bytes_sent = 0; // SRTP packets as sent
    std::uint64_t packets_received = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t srtp_refused = 0; // failed authentication, replayed, malformed
};

struct Datagram {
    Endpoint to;
    Bytes data;
};

class CallMedia {
  public:
    CallMedia(CallMediaConfig config, Rng rng);

    // Allocates at the TURN server and queues the first signaling (ICE credentials, DTLS).
    void Start(Instant now);
    // The browser's ice-parameters, candidate, end-of-candidates, dtls.
    void OnSignaling(const webapp::SignalingMessage& message, Instant now);
    // A datagram from the TURN server.
    void OnDatagram(const Endpoint& from, ByteView data, Instant now);
    void OnTimer(Instant now);
    std::optional<Instant> NextTimer() const;
    // The call ends: media stops, the allocation is deleted (a Refresh with lifetime 0).
    void Close(Instant now);

    std::optional<Datagram> PollDatagram();
    std::optional<webapp::SignalingMessage> PollSignaling();
    std::optional<MediaEvent> PollEvent();

    const turn::Client& Turn() const { return m_turn; }
    const ice::Agent& Ice() const { return m_ice; }
    const tls::DtlsEndpoint* Dtls() const { return m_dtls.get(); }
    const MediaStats& Stats() const { return m_stats; }
    bool Failed() const { return m_failed; }
    bool MediaFlowing() const { return m_srtp.has_value(); }

  private:
    void Pump(Instant now);
    void Fail(int code, std::string reason);
    void MaybeStartDtls(Instant now);
    void OnPeerData(const Endpoint& peer, const Bytes& data, Instant now);
    void OnDtlsResult(const tls::FeedResult& result, Instant now);
    void SendToPeer(ByteView data, Instant now);
    void SendRtp(Instant now);

    CallMediaConfig m_config;
    turn::Client m_turn;
    ice::Agent m_ice;
    bool m_started = false;
    bool m_ice_started = false;
    bool m_remote_credentials = false;
    bool m_failed = false;
    bool m_connected = false;
    bool m_closed = false;
    std::optional<Endpoint> m_peer; // the selected pair's remote address
    std::optional<pki::Fingerprint> m_remote_fingerprint;
    std::string m_remote_fingerprint_error;
    std::unique_ptr<tls::DtlsEndpoint> m_dtls;
    bool m_dtls_done = false;
    std::optional<srtp::Session> m_srtp;
    std::optional<Instant> m_next_packet;
    std::uint16_t m_sequence = 0;
    std::uint32_t m_timestamp = 0;
    std::uint32_t m_ssrc = 0;
    bool m_first_packet = true;
    Rng m_rng;
    MediaStats m_stats;
    std::deque<Datagram> m_out;
    std::deque<webapp::SignalingMessage> m_signaling;
    std::deque<MediaEvent> m_events;
};

} // namespace cmslab::cms
