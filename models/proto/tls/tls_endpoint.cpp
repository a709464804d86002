#include "tls/tls_endpoint.h"

#include "pki/deterministic_random.h"

namespace cmslab::tls {

TlsEndpoint::TlsEndpoint(std::shared_ptr<const Context> context, EndpointOptions options, Rng rng)
    : EndpointBase(std::move(context), std::move(options), rng) {
    if (m_ssl == nullptr)
        return;
    if (m_context->GetTransport() != Transport::Stream) {
        Fail("a stream endpoint needs a stream context");
        return;
    }
    m_in = BIO_new(BIO_s_mem());
    m_out = BIO_new(BIO_s_mem());
    // An empty input is "try again later", not end of file.
    BIO_set_mem_eof_return(m_in, -1);
    Attach(m_in, m_out);
}

FeedResult TlsEndpoint::Start() {
    pki::RandomScope scope(m_rng);
    if (GetRole() == Role::Client)
        BeginHandshake();
    return Collect();
}

FeedResult TlsEndpoint::Feed(ByteView bytes) {
    pki::RandomScope scope(m_rng);
    if (m_state == State::Failed || m_state == State::Closed || m_in == nullptr)
        return Collect();
    if (!bytes.empty())
        BIO_write(m_in, bytes.data, static_cast<int>(bytes.size));
    Pump();
    return Collect();
}

Bytes TlsEndpoint::TakeOutput() {
    Bytes out;
    if (m_out == nullptr)
        return out;
    const std::size_t n = BIO_ctrl_pending(m_out);
    out.resize(n);
    if (n > 0)
        BIO_read(m_out, out.data(), static_cast<int>(n));
    return out;
}

bool TlsEndpoint::HasOutput() const {
    return m_out != nullptr && BIO_ctrl_pending(m_out) > 0;
}

} // namespace cmslab::tls
