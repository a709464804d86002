// TLS over a byte stream (normally a TcpStream): a tls::TlsEndpoint from models/proto/tls
// fed with the transport's bytes, its output written back. The application side is again
// a ByteStream, so HTTP runs on it as on plain TCP.
//
// A client starts its handshake at once (the ClientHello waits in the transport's queue
// until TCP is up). A certificate the client's verify mode refuses is reported with
// OnVerifyFailed; the endpoint's alert still goes to the wire (as a browser sends it)
// and the stream then closes with CloseReason::TlsFailed.
#pragma once

#include "byte_stream.h"
#include "common/rng.h"
#include "pki/certificate.h"
#include "tls/config.h"
#include "tls/context.h"
#include "tls/event.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::devices::net {

// The handshake's outcome as an owner logs it or decides on it.
struct TlsSessionInfo {
    tls::HandshakeInfo handshake; // version, cipher, group, ALPN, SNI, verify result
    std::optional<pki::Certificate> peer_certificate; // absent when the peer sent none
    std::vector<pki::SubjectAltName> peer_sans;       // of the peer certificate
    std::string peer_subject;                         // "CN = ..." of the peer certificate
};

struct TlsVerifyFailure {
    tls::VerifyError error;               // the first failure: code (X509_V_ERR_*), text
    std::vector<tls::VerifyError> errors; // every failure OpenSSL found
    std::optional<pki::Certificate> peer_certificate;
    std::vector<pki::SubjectAltName> peer_sans; // what the certificate does name
    std::string peer_subject;
};

class TlsStream : public ByteStream {
  public:
    // `context` must be a stream context of the matching role. `options.verify_time`
    // is when certificates are judged: WallClockSeconds(epoch) for the simulated now.
    // `rng` is this connection's own stream (handshake randoms, key shares).
    static std::unique_ptr<TlsStream> Client(std::unique_ptr<ByteStream> transport,
                                             std::shared_ptr<const tls::Context> context,
                                             tls::EndpointOptions options, Rng rng);
    static std::unique_ptr<TlsStream> Server(std::unique_ptr<ByteStream> transport,
                                             std::shared_ptr<const tls::Context> context,
                                             tls::EndpointOptions options, Rng rng);
    ~TlsStream() override;
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    // Once, when the handshake completed (a Report-mode failure shows in
    // handshake.verify_result and also came as OnVerifyFailed).
    void SetOnHandshakeDone(std::function<void(const TlsSessionInfo&)> handler);
    // When the peer certificate fails verification (Require and Report modes).
    void SetOnVerifyFailed(std::function<void(const TlsVerifyFailure&)> handler);
    // Every event of the endpoint (alerts sent and received included), for logs.
    void SetOnTlsEvent(std::function<void(const tls::Event&)> handler);

    // Application data; see ByteStream. OnClosed: Normal after the peer's close_notify
    // or FIN, TlsFailed (detail: the alert or OpenSSL's reason), or the transport's
    // reason (Refused, Timeout...).
    void SetOnData(DataHandler handler) override;
    void SetOnClosed(ClosedHandler handler) override;
    // Application bytes; held back until the handshake is done.
    void Send(ByteView data) override;
    void Write(ByteView data) { Send(data); }
    // close_notify, then the transport's graceful close.
    void Close() override;
    void Abort() override;

    bool IsOpen() const override; // handshake done, not closed
    Endpoint LocalEndpoint() const override;
    Endpoint PeerEndpoint() const override;
    std::size_t Queued() const override;

    bool HandshakeDone() const;
    // Valid once the handshake is done.
    const TlsSessionInfo& Session() const;
    tls::Role GetRole() const;
    ByteStream& Transport();

    struct Impl;

  private:
    explicit TlsStream(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> m_impl;
};

} // namespace cmslab::devices::net
