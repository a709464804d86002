// A DTLS endpoint over datagrams, without sockets, as WebRTC uses it: self-signed
// certificates checked against the SDP fingerprint, use_srtp, SRTP keys exported
// (RFC 5764). Retransmission follows the simulated time handed in.
//
// Time: OpenSSL 3.0's DTLS timer reads the wall clock (gettimeofday) and offers no hook
// for another clock. So the endpoint keeps the timer itself: the timer callback
// (DTLS_set_timer_cb) supplies the durations (initial_retransmit, doubling up to
// max_retransmit), and each time OpenSSL (re)starts its timer it tells the BIO
// (BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, passing its own deadline); the endpoint then records
// the deadline on simulated time and moves OpenSSL's wall-clock deadline out of reach,
// so OpenSSL never retransmits by itself. When HandleTimeout() sees the simulated
// deadline pass, it sets OpenSSL's deadline into the past and calls
// DTLSv1_handle_timeout, which retransmits the flight, doubles the timer and restarts
// it. Relies on OpenSSL 3.0 passing its own deadline (not a copy) to the BIO; if a
// future version does not, HandleTimeout reports a Failed event instead of hanging.
#pragma once

#include <optional>
#include <vector>

#include "common/time.h"
#include "tls/datagram_bio.h"
#include "tls/endpoint_base.h"
#include "tls/srtp.h"

namespace cmslab::tls {

class DtlsEndpoint : public EndpointBase {
  public:
    // `context` must be a datagram context; `rng` is this connection's own stream.
    DtlsEndpoint(std::shared_ptr<const Context> context, EndpointOptions options, Rng rng);
    ~DtlsEndpoint() override;

    // Client ("initiator" in CMS's words): the ClientHello flight.
    FeedResult Start(Instant now);
    // One received datagram.
    FeedResult Feed(ByteView datagram, Instant now);
    // Call when NextTimeout() has passed (calling earlier does nothing).
    FeedResult HandleTimeout(Instant now);
    // When the retransmission timer fires; nullopt while none is running, and once the
    // connection failed or closed (HandleTimeout does nothing then: a deadline left in
    // the past would have a driver call it again and again).
    std::optional<Instant> NextTimeout() const {
        const bool live = m_state == State::Handshaking || m_state == State::Established;
        return live ? m_deadline : std::nullopt;
    }
    // Datagrams to send, in order; empties the queue.
    std::vector<Bytes> TakeOutput();

    // After the handshake, with use_srtp agreed.
    const std::optional<SrtpKeyMaterial>& SrtpKeys() const { return m_srtp; }
    // Flights sent again because the timer fired.
    std::size_t Retransmissions() const { return m_retransmissions; }

  private:
    friend unsigned int DtlsTimerCallback(SSL*, unsigned int);

    void OnEstablished() override;
    void OnTimer(timeval* next_timeout);
    unsigned int NextDuration(unsigned int previous_us);

    DatagramQueue m_queue;
    BIO* m_bio = nullptr; // owned by the SSL object
    Instant m_now{};
    std::optional<Instant> m_deadline;
    timeval* m_openssl_deadline = nullptr;
    unsigned int m_duration_us = 0;
    std::size_t m_retransmissions = 0;
    std::optional<SrtpKeyMaterial> m_srtp;
};

// RFC 7983 demultiplexing: a first byte in 20..63 is DTLS (STUN is 0..3, RTP/RTCP 128..191).
bool LooksLikeDtls(ByteView datagram);

} // namespace cmslab::tls
