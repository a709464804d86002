// A TLS endpoint over a byte stream, without sockets: bytes from the peer go in through
// Feed(), bytes for the peer come out of TakeOutput(). The lab's TCP adapters (browser,
// Expressway-E, web bridge) move these bytes; tests exchange them directly.
#pragma once

#include "tls/endpoint_base.h"

namespace cmslab::tls {

class TlsEndpoint : public EndpointBase {
  public:
    // `context` must be a stream context; `rng` is this connection's own stream.
    TlsEndpoint(std::shared_ptr<const Context> context, EndpointOptions options, Rng rng);

    // Client: puts the ClientHello into the output. (A server starts on its first bytes.)
    FeedResult Start();
    // Bytes from the peer, any split (records may arrive in pieces or several at once).
    FeedResult Feed(ByteView bytes);
    // Bytes to send to the peer, in order; empties the buffer.
    Bytes TakeOutput();
    bool HasOutput() const;

  private:
    BIO* m_in = nullptr;  // owned by the SSL object
    BIO* m_out = nullptr; // owned by the SSL object
};

} // namespace cmslab::tls
