// What TLS and DTLS endpoints have in common: one OpenSSL connection, driven by the
// bytes handed in, reporting events. Endpoint (stream) and DtlsEndpoint (datagrams) add
// the transport side. Every OpenSSL call runs with the endpoint's own Rng as the source
// of randomness.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <openssl/ssl.h>

#include "common/bytes.h"
#include "common/expected.h"
#include "common/rng.h"
#include "pki/certificate.h"
#include "tls/config.h"
#include "tls/context.h"
#include "tls/event.h"

namespace cmslab::tls {

class EndpointBase {
  public:
    enum class State {
        Idle, // client before Start(), server before its first bytes
        Handshaking,
        Established, // handshake done, application data flows
        Closing,     // we sent close_notify
        Closed,      // the peer sent close_notify (or Close() before the handshake)
        Failed,      // a fatal error; nothing more will happen
    };

    virtual ~EndpointBase();
    EndpointBase(const EndpointBase&) = delete;
    EndpointBase& operator=(const EndpointBase&) = delete;

    Role GetRole() const { return m_context->GetRole(); }
    State GetState() const { return m_state; }
    bool Established() const { return m_state == State::Established; }
    const EndpointOptions& Options() const { return m_options; }

    // Valid once the handshake is done.
    const HandshakeInfo& Info() const { return m_info; }
    // Every failed check of the peer chain, in the order OpenSSL found them.
    const std::vector<VerifyError>& VerifyErrors() const { return m_verify_errors; }
    // The certificates the peer sent, its own first (kept even when verification failed).
    const std::vector<pki::Certificate>& PeerChain() const { return m_peer_chain; }
    std::optional<pki::Certificate> PeerCertificate() const;

    // Application data; held back until the handshake is done. Fails once closed.
    Expected<std::size_t> Write(ByteView data);
    // Sends close_notify (or abandons a handshake in progress).
    FeedResult Close();

    SSL* Native() const { return m_ssl; }

  protected:
    EndpointBase(std::shared_ptr<const Context> context, EndpointOptions options, Rng rng);
    // Takes ownership of the BIOs (the same one twice for a datagram BIO).
    void Attach(BIO* rbio, BIO* wbio);
    // The client's first flight.
    void BeginHandshake();
    // Runs OpenSSL on what has arrived: handshake, then application data.
    void Pump();
    FeedResult Collect();
    void Fail(const std::string& what);
    virtual void OnEstablished() {}

    std::shared_ptr<const Context> m_context;
    EndpointOptions m_options;
    Rng m_rng;
    SSL* m_ssl = nullptr;
    State m_state = State::Idle;

  private:
    friend int ServerNameCallback(SSL*, int*, void*);
    friend int VerifyChainCallback(X509_STORE_CTX*, void*);
    friend int CollectVerifyErrorCallback(int, X509_STORE_CTX*);
    friend void InfoCallback(const SSL*, int, int);

    void Configure();
    void ReadApplicationData();
    void FlushPendingWrites();
    void CompleteHandshake();
    int VerifyChain(X509_STORE_CTX* store);
    void RecordPeerChain(X509_STORE_CTX* store);
    void AddVerifyError(X509_STORE_CTX* store);

    HandshakeInfo m_info;
    std::vector<VerifyError> m_verify_errors;
    std::vector<pki::Certificate> m_peer_chain;
    std::vector<Event> m_events;
    Bytes m_received;
    Bytes m_pending_writes;
};

} // namespace cmslab::tls
