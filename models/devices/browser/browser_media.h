// The browser's media transport for one call, sans-I/O: its TURN allocation, an ICE
// agent (controlling, as the offering browser) whose only local candidate is that relay,
// DTLS as the passive side (the server: the CMS initiates) checked against the
// fingerprint from signaling, SRTP keys from the DTLS export (use_srtp), and audio as
// RTP every 20 ms both ways once asked to.
//
// Every datagram goes to and comes from the TURN server: ICE checks, DTLS and SRTP to
// the peer travel as Send indications until a channel to the selected peer is bound,
// then as ChannelData. What arrives is told apart by its first byte (RFC 7983).
//
// The driver (BrowserApp, or a test) moves datagrams between a UDP port and this
// machine, calls HandleTimeout at NextTimeout, and reports the events to GuestScript.
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
#include <vector>

namespace cmslab::browser {

struct MediaConfig {
    Endpoint turn_server;
    std::string username;
    std::string password;
    ice::Credentials local_ice; // what the script signals as ice-parameters
    // Server role, datagram transport, VerifyMode::Fingerprint, use_srtp profiles: the
    // browser's self-signed DTLS certificate.
    std::shared_ptr<const tls::Context> dtls_context;
    pki::UnixTime epoch_unix_s = 0; // the scenario's clock, for the DTLS endpoint
    // Audio as a browser sends it: Opus (dynamic payload type 111, 48 kHz clock) in
    // 20 ms frames of about 24 kbit/s.
    Duration packet_interval = std::chrono::milliseconds(20);
    std::size_t payload_bytes = 60;
    std::uint8_t payload_type = 111;
    std::uint32_t clock_rate = 48000;
};

struct MediaEvent {
    enum class Type {
        TurnChallenged, // text: realm
        TurnAllocated,  // relayed, mapped
        TurnFailed,     // code (0: no answer), text: reason
        IceConnected,   // text: the selected pair
        IceFailed,      // text: why
        DtlsConnected,  // text: version, profile: SRTP profile
        DtlsFailed,     // text: why
        RtpSent,        // size: the SRTP packet
        RtpReceived,    // size: the SRTP packet, authenticated
    };
    Type type = Type::TurnFailed;
    std::string text;
    std::string profile;
    int code = 0;
    Endpoint relayed;
    Endpoint mapped;
    std::size_t size = 0;
};

struct OutDatagram {
    Endpoint to;
    Bytes data;
};

struct MediaCounters {
    std::uint64_t rtp_sent = 0;
    std::uint64_t rtp_received = 0;
    std::uint64_t srtp_refused = 0; // failed authentication, replayed, malformed
    std::uint64_t dtls_before_start = 0;
    std::uint64_t dropped = 0; // from elsewhere than the TURN server, or unclassifiable
};

class BrowserMedia {
  public:
    BrowserMedia(MediaConfig config, Rng rng);
    ~BrowserMedia();
    BrowserMedia(const BrowserMedia&) = delete;
    BrowserMedia& operator=(const BrowserMedia&) = delete;

    void Allocate(Instant now);
    // The CMS's ICE credentials and the candidates it sent so far; more may follow.
    void StartIce(const ice::Credentials& remote, const std::vector<ice::Candidate>& candidates,
                  Instant now);
    void AddRemoteCandidate(const ice::Candidate& candidate, Instant now);
    // DTLS as the server; the peer's certificate must match `peer`. DTLS that arrived
    // before (the CMS may start first) is handled now.
    void StartDtls(const pki::Fingerprint& peer, Instant now);
    void StartMedia(Instant now);
    void StopMedia();
    // Deletes the allocation; nothing is sent after the Refresh that does it.
    void Close(Instant now);

    // A datagram that arrived at the browser's UDP port.
    void OnDatagram(const Endpoint& from, ByteView data, Instant now);
    std::optional<Instant> NextTimeout() const;
    void HandleTimeout(Instant now);

    std::optional<OutDatagram> PollDatagram();
    std::optional<MediaEvent> PollEvent();

    const turn::Client& Turn() const { return m_turn; }
    const ice::Agent& Ice() const { return m_ice; }
    const tls::DtlsEndpoint* Dtls() const { return m_dtls.get(); }
    const MediaCounters& Counters() const { return m_counters; }
    bool Sending() const { return m_sending; }

  private:
    void Pump(Instant now);
    void OnPeerData(const Endpoint& peer, const Bytes& data, Instant now);
    void OnDtlsResult(tls::FeedResult result, Instant now);
    void SendToPeer(ByteView data, Instant now);
    void SendRtp(Instant now);
    void Emit(MediaEvent e) { m_events.push_back(std::move(e)); }
    void Permit(const IpAddress& peer, Instant now);

    MediaConfig m_config;
    Rng m_rng;
    turn::Client m_turn;
    ice::Agent m_ice;
    std::unique_ptr<tls::DtlsEndpoint> m_dtls;
    std::optional<srtp::Session> m_srtp;
    std::vector<Bytes> m_early_dtls; // arrived before StartDtls
    std::vector<IpAddress> m_permitted;
    std::vector<ice::Candidate> m_pending_remote; // before the relay exists
    bool m_ice_started = false;
    bool m_ice_done = false; // connected or failed
    bool m_dtls_done = false;
    std::optional<Endpoint> m_peer; // the selected pair's remote address
    bool m_sending = false;
    std::optional<Instant> m_next_packet;
    std::uint16_t m_sequence = 0;
    std::uint32_t m_timestamp = 0;
    std::uint32_t m_ssrc = 0;
    bool m_first_packet = true;
    std::deque<OutDatagram> m_out;
    std::deque<MediaEvent> m_events;
    MediaCounters m_counters;
};

} // namespace cmslab::browser
