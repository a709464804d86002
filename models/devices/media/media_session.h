// One endpoint's media for one WebRTC call, sans-I/O: its TURN allocation, an ICE agent
// whose only local candidate is that relay, DTLS over the selected pair checked against
// the fingerprint from signaling, SRTP with the keys the handshake exports (use_srtp),
// and RTP paced by the codec. The browser and the CMS each run one, configured for
// their side (SessionConfig); what they signal and how they report stays with them.
//
// Every datagram goes to and comes from the TURN server: ICE checks, DTLS and SRTP to
// the peer travel as Send indications until a channel to the selected peer is bound,
// then as ChannelData. What arrives is told apart by its first byte (RFC 7983).
//
// The driver moves datagrams between a UDP port and the session (OnDatagram,
// PollDatagram), calls HandleTimeout at NextTimeout, and handles the events (PollEvent)
// after each call.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "ice/agent.h"
#include "media/rtp_pacer.h"
#include "media/session_config.h"
#include "media/session_events.h"
#include "pki/fingerprint.h"
#include "rtp/receiver_stats.h"
#include "srtp/session.h"
#include "tls/dtls_endpoint.h"
#include "turn/client.h"

#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace cmslab::media {

struct Datagram {
    Endpoint to;
    Bytes data;
};

struct Counters {
    std::uint64_t packets_sent = 0;
    std::uint64_t bytes_sent = 0; // SRTP packets as sent
    std::uint64_t packets_received = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t rtcp_received = 0; // SRTCP that authenticated (the peer's reports)
    std::uint64_t srtp_refused = 0;  // SRTP or SRTCP: failed authentication, replayed, malformed
    std::uint64_t dtls_before_start = 0; // kept for StartDtls
    std::uint64_t dropped = 0;           // from elsewhere than the TURN server, or unclassifiable
};

class Session {
  public:
    // `rng` draws the TURN and ICE transaction IDs, the ICE credentials and tie-breaker
    // and the RTP identifiers (forks "turn", "ice", "rtp"); `traffic` the DTLS randoms
    // (fork "dtls") and the RTP payload.
    Session(SessionConfig config, Rng rng, Rng traffic);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void Allocate(Instant now);

    // The peer's ICE credentials and candidates, from signaling; they may come before or
    // after StartIce. A permission for each candidate's address is asked for as soon as
    // the relay exists: the TURN server relays nothing from a peer without one.
    void SetRemoteCredentials(const ice::Credentials& remote);
    void AddRemoteCandidate(const ice::Candidate& candidate, Instant now);
    void SetRemoteEndOfCandidates(Instant now);
    // Checks begin (and the agent's failure timer runs) from here; the relay is the local
    // candidate once allocated, with end-of-candidates.
    void StartIce(Instant now);

    // DTLS with a peer whose certificate must match `peer`, over the selected pair: now
    // if there is one, else once there is. DTLS that arrived before is handled then.
    void StartDtls(const pki::Fingerprint& peer, Instant now);

    // Needs the SRTP keys and a selected pair. The first packet is due now and goes at
    // the next HandleTimeout.
    void StartMedia(Instant now);
    void StopMedia();
    // Media stops and the allocation is deleted (a Refresh with lifetime 0); nothing is
    // sent after that.
    void Close(Instant now);

    // A datagram that arrived at the session's UDP port.
    void OnDatagram(const Endpoint& from, ByteView data, Instant now);
    std::optional<Instant> NextTimeout() const;
    void HandleTimeout(Instant now);

    std::optional<Datagram> PollDatagram();
    std::optional<Event> PollEvent();

    // The relayed candidate as ICE and signaling show it; only once allocated.
    ice::Candidate RelayCandidate() const;
    const turn::Client& Turn() const { return m_turn; }
    const ice::Agent& Ice() const { return m_ice; }
    const tls::DtlsEndpoint* Dtls() const { return m_dtls.get(); }
    const Counters& GetCounters() const { return m_counters; }
    // The peer's RTP stream as received (RFC 3550: expected, lost, interarrival jitter).
    const rtp::ReceiverStats& Reception() const { return m_reception; }
    bool KeysReady() const { return m_srtp.has_value(); }
    bool Sending() const { return m_rtp.Running(); }

  private:
    void Pump(Instant now);
    void OnTurnEvent(turn::ClientEvent event, Instant now);
    void OnIceEvent(const ice::AgentEvent& event, Instant now);
    void UseRelay(Instant now);
    void LoseMedia();
    void Permit(const IpAddress& peer, Instant now);
    void MaybeStartDtls(Instant now);
    void OnPeerData(const Endpoint& peer, const Bytes& data, Instant now);
    void OnDtlsResult(const tls::FeedResult& result);
    void SendToPeer(ByteView data, Instant now);
    void SendRtp(Instant now);
    void Emit(Event e) { m_events.push_back(std::move(e)); }

    SessionConfig m_config;
    Rng m_traffic;
    turn::Client m_turn;
    ice::Agent m_ice;
    RtpPacer m_rtp;
    std::vector<IpAddress> m_permitted;
    bool m_ice_started = false;
    bool m_ice_done = false; // a pair selected, or failed
    bool m_closed = false;
    std::optional<Endpoint> m_peer; // the selected pair's remote address
    std::optional<pki::Fingerprint> m_peer_fingerprint;
    std::unique_ptr<tls::DtlsEndpoint> m_dtls;
    bool m_dtls_done = false;
    std::vector<Bytes> m_early_dtls; // arrived before the endpoint existed
    std::optional<srtp::Session> m_srtp;
    std::deque<Datagram> m_out;
    std::deque<Event> m_events;
    Counters m_counters;
    rtp::ReceiverStats m_reception;
};

} // namespace cmslab::media
