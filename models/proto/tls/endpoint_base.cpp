#include "tls/endpoint_base.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki/deterministic_random.h"
#include "pki/openssl_error.h"
#include "tls/callbacks.h"

namespace cmslab::tls {

int EndpointIndex() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

EndpointBase* EndpointOf(const SSL* ssl) {
    return static_cast<EndpointBase*>(SSL_get_ex_data(ssl, EndpointIndex()));
}

namespace {

EndpointBase* EndpointOfStore(X509_STORE_CTX* store) {
    const auto* ssl = static_cast<const SSL*>(
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    return ssl != nullptr ? EndpointOf(ssl) : nullptr;
}

std::string SubjectOf(X509* cert) {
    return cert != nullptr ? pki::Certificate::Adopt(cert).Subject() : std::string();
}

} // namespace

int ServerNameCallback(SSL* ssl, int*, void*) {
    EndpointBase* ep = EndpointOf(ssl);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (ep == nullptr || name == nullptr)
        return SSL_TLSEXT_ERR_OK;
    ep->m_info.server_name = name;
    const std::size_t index = ep->m_context->SelectIdentity(name);
    ep->m_info.identity_index = index;
    if (index != 0) {
        const auto& id = ep->m_context->Config().identities[index];
        if (SSL_use_cert_and_key(ssl, id.certificate.Native(), id.key.Native(),
                                 ep->m_context->ChainOf(index), 1) != 1)
            return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return SSL_TLSEXT_ERR_OK;
}

int VerifyChainCallback(X509_STORE_CTX* store, void*) {
    EndpointBase* ep = EndpointOfStore(store);
    return ep != nullptr ? ep->VerifyChain(store) : 0;
}

int CollectVerifyErrorCallback(int ok, X509_STORE_CTX* store) {
    if (!ok)
        if (EndpointBase* ep = EndpointOfStore(store))
            ep->AddVerifyError(store);
    // Go on: every problem of the chain gets recorded; EndpointBase::VerifyChain decides.
    return 1;
}

void InfoCallback(const SSL* ssl, int where, int ret) {
    if ((where & SSL_CB_ALERT) == 0)
        return;
    EndpointBase* ep = EndpointOf(ssl);
    if (ep == nullptr)
        return;
    Event e;
    e.kind = (where & SSL_CB_READ) != 0 ? Event::Kind::AlertReceived : Event::Kind::AlertSent;
    e.alert.fatal = (ret >> 8) == SSL3_AL_FATAL;
    e.alert.description = static_cast<std::uint8_t>(ret & 0xff);
    ep->m_events.push_back(e);
}

EndpointBase::EndpointBase(std::shared_ptr<const Context> context, EndpointOptions options, Rng rng)
    : m_context(std::move(context)), m_options(std::move(options)), m_rng(rng) {
    pki::RandomScope scope(m_rng);
    m_ssl = SSL_new(m_context->Native());
    if (m_ssl == nullptr) {
        Fail(pki::DrainOpenSslErrors());
        return;
    }
    SSL_set_ex_data(m_ssl, EndpointIndex(), this);
    SSL_set_info_callback(m_ssl, InfoCallback);
    Configure();
}

EndpointBase::~EndpointBase() {
    SSL_free(m_ssl);
}

void EndpointBase::Configure() {
    const bool client = GetRole() == Role::Client;
    const VerifyMode mode = m_context->Verify();
    X509_VERIFY_PARAM* param = SSL_get0_param(m_ssl);
    // Browsers accept a wildcard only as a whole left-most label.
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(m_options.verify_time));

    if (client) {
        SSL_set_connect_state(m_ssl);
        const auto ip = IpAddress::Parse(m_options.server_name);
        if (!m_options.server_name.empty() && !ip)
            SSL_set_tlsext_host_name(m_ssl, m_options.server_name.c_str());
        m_info.server_name = ip ? std::string() : m_options.server_name;
        if (m_options.verify_name) {
            if (!m_options.verify_name->empty())
                SSL_set1_host(m_ssl, m_options.verify_name->c_str());
        } else if (ip) {
            X509_VERIFY_PARAM_set1_ip(param, ip->bytes.data(), ip->Length());
        } else if (!m_options.server_name.empty()) {
            SSL_set1_host(m_ssl, m_options.server_name.c_str());
        }
    } else {
        SSL_set_accept_state(m_ssl);
        if (m_options.verify_name && !m_options.verify_name->empty())
            SSL_set1_host(m_ssl, m_options.verify_name->c_str());
    }

    int verify_flags = SSL_VERIFY_NONE;
    if (mode != VerifyMode::None) {
        verify_flags = SSL_VERIFY_PEER;
        if (!client &&
            (m_context->Config().require_peer_certificate || mode == VerifyMode::Fingerprint))
            verify_flags |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    SSL_set_verify(m_ssl, verify_flags, nullptr);
}

void EndpointBase::Attach(BIO* rbio, BIO* wbio) {
    if (m_ssl != nullptr)
        SSL_set_bio(m_ssl, rbio, wbio);
}

std::optional<pki::Certificate> EndpointBase::PeerCertificate() const {
    if (m_peer_chain.empty())
        return std::nullopt;
    return m_peer_chain.front();
}

void EndpointBase::RecordPeerChain(X509_STORE_CTX* store) {
    m_peer_chain.clear();
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    if (leaf != nullptr)
        m_peer_chain.push_back(pki::Certificate::Adopt(leaf));
    STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store);
    for (int i = 0; sent != nullptr && i < sk_X509_num(sent); ++i) {
        X509* c = sk_X509_value(sent, i);
        if (c != leaf)
            m_peer_chain.push_back(pki::Certificate::Adopt(c));
    }
}

void EndpointBase::AddVerifyError(X509_STORE_CTX* store) {
    VerifyError e;
    e.code = X509_STORE_CTX_get_error(store);
    e.text = X509_verify_cert_error_string(e.code);
    e.depth = X509_STORE_CTX_get_error_depth(store);
    e.subject = SubjectOf(X509_STORE_CTX_get_current_cert(store));
    for (const auto& seen : m_verify_errors)
        if (seen.code == e.code && seen.depth == e.depth)
            return;
    m_verify_errors.push_back(std::move(e));
}

int EndpointBase::VerifyChain(X509_STORE_CTX* store) {
    RecordPeerChain(store);
    m_verify_errors.clear();
    const VerifyMode mode = m_context->Verify();
    if (mode == VerifyMode::None) {
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    if (mode == VerifyMode::Fingerprint) {
        X509_STORE_CTX_set_error(store, X509_V_OK);
        if (!m_options.peer_fingerprint || m_peer_chain.empty())
            return m_peer_chain.empty() ? 0 : 1;
        const pki::Fingerprint& want = *m_options.peer_fingerprint;
        const pki::Fingerprint got = m_peer_chain.front().ComputeFingerprint(want.algorithm);
        if (got == want)
            return 1;
        VerifyError e;
        e.code = X509_V_ERR_CERT_REJECTED;
        e.text = std::string(X509_verify_cert_error_string(e.code)) + ": fingerprint " +
                 got.ToSdp() + " is not the expected " + want.ToSdp();
        e.depth = 0;
        e.subject = m_peer_chain.front().Subject();
        m_verify_errors.push_back(e);
        Event ev;
        ev.kind = Event::Kind::VerifyFailed;
        ev.verify = e;
        m_events.push_back(ev);
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
        return 0;
    }

    X509_STORE_CTX_set_verify_cb(store, CollectVerifyErrorCallback);
    const int ok = X509_verify_cert(store);
    if (m_verify_errors.empty())
        return ok;
    const VerifyError& first = m_verify_errors.front();
    // OpenSSL's alert and SSL_get_verify_result follow the error left in the store: the
    // first one found, as a browser reports it.
    X509_STORE_CTX_set_error(store, static_cast<int>(first.code));
    X509_STORE_CTX_set_error_depth(store, first.depth);
    Event ev;
    ev.kind = Event::Kind::VerifyFailed;
    ev.verify = first;
    m_events.push_back(ev);
    return mode == VerifyMode::Require ? 0 : 1;
}

void EndpointBase::BeginHandshake() {
    if (m_state == State::Idle)
        m_state = State::Handshaking;
    Pump();
}

void EndpointBase::Pump() {
    if (m_ssl == nullptr)
        return;
    if (m_state == State::Idle && GetRole() == Role::Server)
        m_state = State::Handshaking;
    if (m_state == State::Handshaking) {
        ERR_clear_error();
        const int r = SSL_do_handshake(m_ssl);
        if (r == 1) {
            CompleteHandshake();
        } else {
            const int err = SSL_get_error(m_ssl, r);
            if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
                Fail("handshake");
                return;
            }
        }
    }
    if (m_state == State::Established || m_state == State::Closing)
        ReadApplicationData();
}

void EndpointBase::CompleteHandshake() {
    m_state = State::Established;
    m_info.version = SSL_get_version(m_ssl);
    m_info.version_code = static_cast<std::uint16_t>(SSL_version(m_ssl));
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(m_ssl)) {
        const char* standard = SSL_CIPHER_standard_name(cipher);
        m_info.cipher = standard != nullptr ? standard : "";
        m_info.cipher_openssl = SSL_CIPHER_get_name(cipher);
    }
    const int group = SSL_get_negotiated_group(m_ssl);
    if (group != 0 && group != NID_undef) {
        const char* name = SSL_group_to_name(m_ssl, group);
        m_info.group = name != nullptr ? name : "";
    }
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(m_ssl, &alpn, &alpn_len);
    m_info.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
    if (const SRTP_PROTECTION_PROFILE* p = SSL_get_selected_srtp_profile(m_ssl))
        m_info.srtp_profile = p->name;
    m_info.verify_result = SSL_get_verify_result(m_ssl);
    if (m_peer_chain.empty()) {
        // No verification ran (a server that asked for nothing still learns nothing).
        if (X509* leaf = SSL_get0_peer_certificate(m_ssl))
            m_peer_chain.push_back(pki::Certificate::Adopt(leaf));
    }
    OnEstablished();
    Event e;
    e.kind = Event::Kind::HandshakeDone;
    e.handshake = m_info;
    m_events.push_back(e);
    FlushPendingWrites();
}

void EndpointBase::ReadApplicationData() {
    unsigned char buf[16384];
    while (true) {
        ERR_clear_error();
        std::size_t n = 0;
        if (SSL_read_ex(m_ssl, buf, sizeof(buf), &n) == 1) {
            m_received.insert(m_received.end(), buf, buf + n);
            continue;
        }
        const int err = SSL_get_error(m_ssl, 0);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
            return;
        if (err == SSL_ERROR_ZERO_RETURN) {
            Event e;
            e.kind = Event::Kind::Closed;
            m_events.push_back(e);
            // Answer with our own close_notify, as servers and browsers do.
            if (m_state == State::Established)
                SSL_shutdown(m_ssl);
            m_state = State::Closed;
            return;
        }
        Fail("read");
        return;
    }
}

void EndpointBase::FlushPendingWrites() {
    if (m_pending_writes.empty())
        return;
    Bytes pending;
    pending.swap(m_pending_writes);
    (void)Write(pending);
}

Expected<std::size_t> EndpointBase::Write(ByteView data) {
    switch (m_state) {
    case State::Idle:
    case State::Handshaking:
        m_pending_writes.insert(m_pending_writes.end(), data.begin(), data.end());
        return data.size;
    case State::Established:
        break;
    case State::Closing:
    case State::Closed:
        return Error{"the connection is closed"};
    case State::Failed:
        return Error{"the connection failed"};
    }
    pki::RandomScope scope(m_rng);
    std::size_t done = 0;
    while (done < data.size) {
        ERR_clear_error();
        std::size_t n = 0;
        if (SSL_write_ex(m_ssl, data.data + done, data.size - done, &n) != 1) {
            Fail("write");
            return Error{"write failed"};
        }
        done += n;
    }
    return done;
}

FeedResult EndpointBase::Close() {
    pki::RandomScope scope(m_rng);
    if (m_state == State::Established) {
        ERR_clear_error();
        SSL_shutdown(m_ssl);
        m_state = State::Closing;
    } else if (m_state == State::Idle || m_state == State::Handshaking) {
        m_state = State::Closed;
    }
    return Collect();
}

void EndpointBase::Fail(const std::string& what) {
    std::string detail = pki::DrainOpenSslErrors();
    if (detail.empty())
        detail = what + " failed";
    m_state = State::Failed;
    Event e;
    e.kind = Event::Kind::Failed;
    e.detail = detail;
    m_events.push_back(e);
}

FeedResult EndpointBase::Collect() {
    FeedResult out;
    out.data.swap(m_received);
    out.events.swap(m_events);
    return out;
}

} // namespace cmslab::tls
