#include "tls/dtls_endpoint.h"

#include <algorithm>

#include <openssl/err.h>

#include "pki/deterministic_random.h"
#include "tls/callbacks.h"

namespace cmslab::tls {

namespace {

// Beyond any wall clock this program will see; OpenSSL's own expiry check never fires.
constexpr time_t kOutOfReach = static_cast<time_t>(1) << 40;

unsigned int ToMicros(Duration d) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    return static_cast<unsigned int>(std::clamp<long long>(us, 1, 0xffffffffLL));
}

} // namespace

unsigned int DtlsTimerCallback(SSL* ssl, unsigned int previous_us) {
    auto* ep = static_cast<DtlsEndpoint*>(EndpointOf(ssl));
    return ep != nullptr ? ep->NextDuration(previous_us) : 1000000;
}

DtlsEndpoint::DtlsEndpoint(std::shared_ptr<const Context> context, EndpointOptions options, Rng rng)
    : EndpointBase(std::move(context), std::move(options), rng) {
    if (m_ssl == nullptr)
        return;
    if (m_context->GetTransport() != Transport::Datagram) {
        Fail("a DTLS endpoint needs a datagram context");
        return;
    }
    m_queue.link_mtu = static_cast<long>(m_options.link_mtu);
    m_queue.on_timer = [this](timeval* tv) { OnTimer(tv); };
    m_bio = NewDatagramBio(&m_queue);
    Attach(m_bio, m_bio);
    DTLS_set_timer_cb(m_ssl, DtlsTimerCallback);
    DTLS_set_link_mtu(m_ssl, static_cast<long>(m_options.link_mtu));
}

DtlsEndpoint::~DtlsEndpoint() {
    // The SSL object (and the BIO) outlive this part of the object.
    DetachDatagramBio(m_bio);
}

unsigned int DtlsEndpoint::NextDuration(unsigned int previous_us) {
    const unsigned int initial = ToMicros(m_options.initial_retransmit);
    const unsigned int max = ToMicros(m_options.max_retransmit);
    m_duration_us =
        previous_us == 0
            ? initial
            : static_cast<unsigned int>(std::min<unsigned long long>(2ULL * previous_us, max));
    return m_duration_us;
}

void DtlsEndpoint::OnTimer(timeval* tv) {
    if (tv->tv_sec == 0 && tv->tv_usec == 0) {
        m_deadline.reset(); // stopped: the flight was answered
        return;
    }
    if (m_duration_us == 0)
        m_duration_us = ToMicros(m_options.initial_retransmit);
    m_deadline = m_now + std::chrono::microseconds(m_duration_us);
    m_openssl_deadline = tv;
    tv->tv_sec = kOutOfReach;
    tv->tv_usec = 0;
}

FeedResult DtlsEndpoint::Start(Instant now) {
    pki::RandomScope scope(m_rng);
    m_now = now;
    if (GetRole() == Role::Client)
        BeginHandshake();
    return Collect();
}

FeedResult DtlsEndpoint::Feed(ByteView datagram, Instant now) {
    pki::RandomScope scope(m_rng);
    m_now = now;
    if (m_state == State::Failed || m_state == State::Closed || m_bio == nullptr)
        return Collect();
    m_queue.inbound.push_back(datagram.ToBytes());
    Pump();
    // A datagram OpenSSL did not take (it reads one per record layer call) stays queued
    // for the next call; drop it so the queue cannot grow without bound.
    m_queue.inbound.clear();
    return Collect();
}

FeedResult DtlsEndpoint::HandleTimeout(Instant now) {
    pki::RandomScope scope(m_rng);
    m_now = now;
    const bool live = m_state == State::Handshaking || m_state == State::Established;
    if (!live || !m_deadline || now < *m_deadline || m_openssl_deadline == nullptr)
        return Collect();
    m_deadline.reset();
    // Into the past (not zero, which means "no timer"): OpenSSL finds its timer expired.
    m_openssl_deadline->tv_sec = 1;
    m_openssl_deadline->tv_usec = 0;
    ERR_clear_error();
    const int r = DTLSv1_handle_timeout(m_ssl);
    if (r > 0) {
        ++m_retransmissions;
    } else if (r < 0) {
        Fail("retransmission (too many timeouts)");
    } else {
        Fail("the DTLS timer did not follow the simulated time");
    }
    return Collect();
}

std::vector<Bytes> DtlsEndpoint::TakeOutput() {
    std::vector<Bytes> out;
    out.swap(m_queue.outbound);
    return out;
}

void DtlsEndpoint::OnEstablished() {
    const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(m_ssl);
    if (profile == nullptr)
        return;
    std::size_t key = 0, salt = 0;
    const auto id = static_cast<std::uint16_t>(profile->id);
    if (!SrtpProfileLengths(id, key, salt))
        return;
    static const char kLabel[] = "EXTRACTOR-dtls_srtp";
    Bytes material(2 * (key + salt));
    if (SSL_export_keying_material(m_ssl, material.data(), material.size(), kLabel,
                                   sizeof(kLabel) - 1, nullptr, 0, 0) != 1)
        return;
    SrtpKeyMaterial m;
    m.profile = profile->name;
    m.profile_id = id;
    auto at = material.begin();
    m.client_write_key.assign(at, at + static_cast<long>(key));
    at += static_cast<long>(key);
    m.server_write_key.assign(at, at + static_cast<long>(key));
    at += static_cast<long>(key);
    m.client_write_salt.assign(at, at + static_cast<long>(salt));
    at += static_cast<long>(salt);
    m.server_write_salt.assign(at, at + static_cast<long>(salt));
    m_srtp = std::move(m);
}

bool LooksLikeDtls(ByteView datagram) {
    return datagram.size >= 13 && datagram[0] >= 20 && datagram[0] <= 63;
}

} // namespace cmslab::tls
