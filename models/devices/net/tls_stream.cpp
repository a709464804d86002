#include "tls_stream.h"

#include "held_delivery.h"
#include "sim_time.h"
#include "stream_wiring.h"
#include "tls/tls_endpoint.h"

#include <utility>

namespace cmslab::devices::net {

namespace {

void DescribePeer(const tls::EndpointBase& endpoint, std::optional<pki::Certificate>& certificate,
                  std::vector<pki::SubjectAltName>& sans, std::string& subject) {
    certificate = endpoint.PeerCertificate();
    if (!certificate)
        return;
    sans = certificate->SubjectAltNames();
    subject = certificate->Subject();
}

} // namespace

struct TlsStream::Impl : std::enable_shared_from_this<TlsStream::Impl> {
    std::unique_ptr<ByteStream> transport;
    std::unique_ptr<tls::TlsEndpoint> endpoint;
    tls::Role role = tls::Role::Client;
    bool handshake_done = false;
    bool local_closed = false; // Close() or Abort(): no more reports
    bool finished = false;     // the connection is over: nothing more is processed
    bool detached = false;
    TlsSessionInfo session;
    detail::HeldDelivery delivery; // the owner's data and close handlers

    std::function<void(const TlsSessionInfo&)> on_handshake;
    std::function<void(const TlsVerifyFailure&)> on_verify_failed;
    std::function<void(const tls::Event&)> on_event;

    void Attach() {
        detail::ReadFrom(*transport, shared_from_this(), &Impl::FromTransport,
                         &Impl::TransportClosed);
    }

    void Begin() {
        if (finished)
            return;
        Process(endpoint->Start());
    }

    void FromTransport(const Bytes& data) {
        if (finished)
            return;
        Process(endpoint->Feed(data));
    }

    void FlushOutput() {
        Bytes out = endpoint->TakeOutput();
        if (!out.empty())
            transport->Send(out);
    }

    bool Gone() const { return detached || finished; }

    void Process(tls::FeedResult result) {
        auto self = shared_from_this();
        // The endpoint's bytes (an alert included) reach the wire whatever the handlers do.
        FlushOutput();
        bool failed = false;
        bool peer_closed = false;
        std::string failure;
        for (const tls::Event& event : result.events) {
            if (on_event && !detached) {
                auto handler = on_event;
                handler(event);
            }
            switch (event.kind) {
            case tls::Event::Kind::HandshakeDone:
                handshake_done = true;
                session.handshake = event.handshake;
                DescribePeer(*endpoint, session.peer_certificate, session.peer_sans,
                             session.peer_subject);
                if (on_handshake && !detached) {
                    auto handler = on_handshake;
                    handler(session);
                }
                break;
            case tls::Event::Kind::VerifyFailed:
                if (on_verify_failed && !detached) {
                    TlsVerifyFailure f;
                    f.error = event.verify;
                    f.errors = endpoint->VerifyErrors();
                    DescribePeer(*endpoint, f.peer_certificate, f.peer_sans, f.peer_subject);
                    auto handler = on_verify_failed;
                    handler(f);
                }
                break;
            case tls::Event::Kind::AlertSent:
                if (event.alert.fatal && failure.empty())
                    failure = "alert sent: " + event.alert.ToString();
                break;
            case tls::Event::Kind::AlertReceived:
                if (event.alert.fatal && failure.empty())
                    failure = "alert received: " + event.alert.ToString();
                break;
            case tls::Event::Kind::Closed:
                peer_closed = true;
                break;
            case tls::Event::Kind::Failed:
                failed = true;
                if (failure.empty())
                    failure = event.detail;
                break;
            }
        }
        if (finished)
            return;
        if (!result.data.empty())
            Deliver(result.data);
        if (finished)
            return;
        if (failed) {
            finished = true;
            transport->Close();
            Report({CloseReason::TlsFailed, failure});
        } else if (peer_closed) {
            finished = true;
            FlushOutput(); // our close_notify answer
            transport->Close();
            Report({CloseReason::Normal, "close_notify"});
        }
    }

    void Deliver(const Bytes& data) {
        if (detached)
            return;
        delivery.Deliver(data);
    }

    void TransportClosed(const CloseInfo& info) {
        auto self = shared_from_this();
        if (finished)
            return;
        finished = true;
        if (info.reason == CloseReason::Normal && !handshake_done) {
            Report({CloseReason::TlsFailed, "the peer closed the connection during the handshake"});
        } else if (info.reason == CloseReason::Normal) {
            Report({CloseReason::Normal, "closed without close_notify"});
        } else {
            Report(info);
        }
    }

    void Report(CloseInfo info) {
        if (detached || local_closed)
            return;
        delivery.Report(std::move(info));
    }

    void DeliverHeld() {
        auto self = shared_from_this();
        // Detaching clears the delivery; a local close still hands over the held bytes
        // but reports no end.
        delivery.DeliverHeldData();
        if (!local_closed)
            delivery.DeliverPendingClose();
    }

    void ScheduleDelivery() {
        std::weak_ptr<Impl> weak = shared_from_this();
        Defer(weak, [weak] {
            if (auto self = weak.lock())
                self->DeliverHeld();
        });
    }

    void Close() {
        if (local_closed)
            return;
        local_closed = true;
        if (finished)
            return;
        tls::FeedResult result = endpoint->Close();
        (void)result;
        FlushOutput();
        transport->Close();
    }

    void ClearHandlers() {
        on_handshake = nullptr;
        on_verify_failed = nullptr;
        on_event = nullptr;
        delivery.Clear();
    }

    void Abort() {
        ClearHandlers();
        local_closed = true;
        finished = true;
        transport->Abort();
    }
};

namespace {

std::shared_ptr<TlsStream::Impl> MakeImpl(std::unique_ptr<ByteStream> transport,
                                          std::shared_ptr<const tls::Context> context,
                                          tls::EndpointOptions options, Rng rng) {
    auto impl = std::make_shared<TlsStream::Impl>();
    impl->role = context->GetRole();
    impl->transport = std::move(transport);
    impl->endpoint =
        std::make_unique<tls::TlsEndpoint>(std::move(context), std::move(options), rng);
    impl->Attach();
    return impl;
}

} // namespace

TlsStream::TlsStream(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}

TlsStream::~TlsStream() {
    Impl& impl = *m_impl;
    impl.ClearHandlers();
    impl.detached = true;
    impl.Close();
}

std::unique_ptr<TlsStream> TlsStream::Client(std::unique_ptr<ByteStream> transport,
                                             std::shared_ptr<const tls::Context> context,
                                             tls::EndpointOptions options, Rng rng) {
    auto impl = MakeImpl(std::move(transport), std::move(context), std::move(options), rng);
    // From an event, so that the owner's handlers are in place for whatever it reports.
    std::weak_ptr<Impl> weak = impl;
    Defer(weak, [weak] {
        if (auto self = weak.lock())
            self->Begin();
    });
    return std::unique_ptr<TlsStream>(new TlsStream(impl));
}

std::unique_ptr<TlsStream> TlsStream::Server(std::unique_ptr<ByteStream> transport,
                                             std::shared_ptr<const tls::Context> context,
                                             tls::EndpointOptions options, Rng rng) {
    auto impl = MakeImpl(std::move(transport), std::move(context), std::move(options), rng);
    return std::unique_ptr<TlsStream>(new TlsStream(impl));
}

void TlsStream::SetOnHandshakeDone(std::function<void(const TlsSessionInfo&)> handler) {
    m_impl->on_handshake = std::move(handler);
}

void TlsStream::SetOnVerifyFailed(std::function<void(const TlsVerifyFailure&)> handler) {
    m_impl->on_verify_failed = std::move(handler);
}

void TlsStream::SetOnTlsEvent(std::function<void(const tls::Event&)> handler) {
    m_impl->on_event = std::move(handler);
}

void TlsStream::SetOnData(DataHandler handler) {
    if (m_impl->delivery.SetOnData(std::move(handler)))
        m_impl->ScheduleDelivery();
}

void TlsStream::SetOnClosed(ClosedHandler handler) {
    if (m_impl->delivery.SetOnClosed(std::move(handler)))
        m_impl->ScheduleDelivery();
}

void TlsStream::Send(ByteView data) {
    Impl& impl = *m_impl;
    if (impl.local_closed || impl.finished || data.empty())
        return;
    if (!impl.endpoint->Write(data))
        return;
    impl.FlushOutput();
}

void TlsStream::Close() {
    m_impl->Close();
}

void TlsStream::Abort() {
    m_impl->Abort();
}

bool TlsStream::IsOpen() const {
    return m_impl->handshake_done && !m_impl->finished && !m_impl->local_closed;
}

Endpoint TlsStream::LocalEndpoint() const {
    return m_impl->transport->LocalEndpoint();
}

Endpoint TlsStream::PeerEndpoint() const {
    return m_impl->transport->PeerEndpoint();
}

std::size_t TlsStream::Queued() const {
    return m_impl->transport->Queued();
}

bool TlsStream::HandshakeDone() const {
    return m_impl->handshake_done;
}

const TlsSessionInfo& TlsStream::Session() const {
    return m_impl->session;
}

tls::Role TlsStream::GetRole() const {
    return m_impl->role;
}

ByteStream& TlsStream::Transport() {
    return *m_impl->transport;
}

} // namespace cmslab::devices::net
