// The Call Bridge's media set-up for one web guest's call, sans-I/O: its own TURN
// allocation at the turnServers object's serverAddress with the API credentials, an ICE
// agent whose only local candidate is that relay, and the signaling the browser needs
// (ICE credentials, the relayed candidate, end-of-candidates, the DTLS fingerprint with
// setup `active`: the CMS starts DTLS).
//
// Everything goes to and from the TURN server: datagrams out are for it, datagrams in
// come from it. Events: the call's ICE failure (the product's "ICE failure 4
// (unauthorized - check credentials)" when the TURN server refuses the credentials),
// and the selected pair, after which the Call Bridge starts DTLS as initiator.
//
// Not modelled yet: the DTLS handshake itself and SRTP; DtlsStart is where they begin.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "ice/agent.h"
#include "turn/client.h"
#include "webapp/signaling.h"

#include <deque>
#include <optional>
#include <string>

namespace cmslab::cms {

struct CallMediaConfig {
    Endpoint turn_server;
    std::string username;
    std::string password;
    std::string dtls_fingerprint; // "AB:CD:..." (sha-256); empty: no dtls message
    ice::Role role = ice::Role::Controlled;
};

struct MediaEvent {
    enum class Type { IceFailure, Connected, DtlsStart };
    Type type = Type::IceFailure;
    int code = 0;       // IceFailure
    std::string reason; // IceFailure: the product's words where known; Connected: the pair
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

    std::optional<Datagram> PollDatagram();
    std::optional<webapp::SignalingMessage> PollSignaling();
    std::optional<MediaEvent> PollEvent();

    const turn::Client& Turn() const { return m_turn; }
    const ice::Agent& Ice() const { return m_ice; }
    bool Failed() const { return m_failed; }

  private:
    void Pump(Instant now);
    void Fail(int code, std::string reason);

    CallMediaConfig m_config;
    turn::Client m_turn;
    ice::Agent m_ice;
    bool m_started = false;
    bool m_ice_started = false;
    bool m_remote_credentials = false;
    bool m_failed = false;
    bool m_connected = false;
    std::deque<Datagram> m_out;
    std::deque<webapp::SignalingMessage> m_signaling;
    std::deque<MediaEvent> m_events;
};

// The browser's candidate message as an ICE candidate; nullopt when unusable.
std::optional<ice::Candidate> ToIceCandidate(const webapp::CandidateMessage& message);

} // namespace cmslab::cms
