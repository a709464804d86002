#include "http_client_session.h"

#include "http_client_state.h"

#include "http/assembler.h"
#include "http/serializer.h"
#include "http/ws_handshake.h"
#include "sim_time.h"
#include "stream_wiring.h"

#include <deque>
#include <utility>

namespace cmslab::devices::net {

struct HttpClientSession::Impl : std::enable_shared_from_this<HttpClientSession::Impl> {
    struct Pending {
        ResponseHandler handler;
        // WebSocket opening handshake
        bool websocket = false;
        std::string key;
        std::vector<std::string> protocols;
        std::function<void(WebSocketUpgradeResult)> upgrade_handler;
    };

    Impl(std::unique_ptr<ByteStream> s, Rng r, http::Limits limits)
        : stream(std::move(s)), rng(std::move(r)), parser(http::MessageKind::Response, limits) {}

    std::unique_ptr<ByteStream> stream;
    Rng rng;
    http::Parser parser;
    http::ResponseAssembler assembler;
    std::deque<Pending> pending;
    HttpClientStateMachine state;
    std::uint64_t responses = 0;
    std::uint64_t unasked = 0; // responses to no outstanding request
    std::function<void(const CloseInfo&)> on_closed;

    void Start() {
        detail::ReadFrom(*stream, shared_from_this(), &Impl::FromStream, &Impl::StreamClosed);
    }

    void FromStream(const Bytes& data) {
        parser.Receive(data);
        Pump();
    }

    bool Usable() const { return state.TakesRequests(); }
    bool Detached() const { return state.Get() == HttpClientState::Detached; }

    void Pump() {
        auto self = shared_from_this();
        while (state.Reading()) {
            http::Event event = parser.Next();
            if (std::holds_alternative<http::NeedData>(event) ||
                std::holds_alternative<http::Paused>(event))
                break;
            if (std::holds_alternative<http::ConnectionClosed>(event))
                break;
            if (auto* error = std::get_if<http::ProtocolError>(&event)) {
                Fail("unreadable response: " + error->message,
                     {CloseReason::ProtocolError, error->message});
                return;
            }
            std::optional<http::Response> response = assembler.Add(event);
            if (!response)
                continue;
            if (response->status >= 100 && response->status < 200 && response->status != 101)
                continue; // interim (100 Continue): the real answer follows
            Complete(std::move(*response));
        }
    }

    void Complete(http::Response response) {
        ++responses;
        if (pending.empty()) {
            ++unasked; // an answer nobody asked for
            return;
        }
        Pending p = std::move(pending.front());
        pending.pop_front();
        const http::Parser::State parsed = parser.GetState();
        if (parsed == http::Parser::State::Done && state.Get() == HttpClientState::Open)
            state.Move(HttpClientStep::LastResponse);
        if (p.websocket) {
            WebSocketUpgradeResult result;
            auto checked = ws::CheckServerHandshake(response, p.key, p.protocols);
            if (checked) {
                Bytes leftover = parser.TakeTrailingData();
                detail::StopReading(*stream);
                state.Move(HttpClientStep::HandOver);
                result.session = WebSocketSession::Client(std::move(stream), rng.Fork("websocket"),
                                                          std::move(leftover));
                FailPending("the connection was handed to a WebSocket");
            } else {
                result.error = checked.Message();
                if (parsed == http::Parser::State::SwitchedProtocols) {
                    // Switched, but not to a WebSocket we can speak: nothing more to say.
                    state.Move(HttpClientStep::Switch);
                }
            }
            result.response = std::move(response);
            if (p.upgrade_handler && !Detached())
                p.upgrade_handler(std::move(result));
            return;
        }
        if (parsed == http::Parser::State::SwitchedProtocols)
            state.Move(HttpClientStep::Switch);
        if (p.handler && !Detached())
            p.handler(std::move(response));
    }

    void FailPending(const std::string& why) {
        std::deque<Pending> failed = std::move(pending);
        pending.clear();
        for (Pending& p : failed) {
            if (Detached())
                return;
            if (p.websocket) {
                WebSocketUpgradeResult result;
                result.response.status = 0;
                result.error = why;
                if (p.upgrade_handler)
                    p.upgrade_handler(std::move(result));
            } else if (p.handler) {
                p.handler(Error{why});
            }
        }
    }

    void Fail(const std::string& why, CloseInfo info) {
        auto self = shared_from_this();
        const bool closed_by_owner = state.Get() == HttpClientState::Closing;
        state.Move(HttpClientStep::End);
        stream->Close();
        FailPending(why);
        if (!closed_by_owner)
            Report(info);
    }

    void StreamClosed(const CloseInfo& info) {
        auto self = shared_from_this();
        if (state.Over())
            return;
        // A response framed by the end of the connection completes now.
        parser.ReceiveEof();
        Pump();
        if (state.Over())
            return;
        const bool closed_by_owner = state.Get() == HttpClientState::Closing;
        state.Move(HttpClientStep::End);
        FailPending("no response: " + info.ToString());
        if (!closed_by_owner)
            Report(info);
    }

    // Once, to the owner, unless the owner closed the connection or is gone.
    void Report(const CloseInfo& info) {
        if (!on_closed || Detached())
            return;
        auto handler = std::move(on_closed);
        on_closed = nullptr;
        handler(info);
    }

    void FailLater(ResponseHandler handler, std::string why) {
        Defer(shared_from_this(), [handler = std::move(handler), why] { handler(Error{why}); });
    }
};

HttpClientSession::HttpClientSession(std::unique_ptr<ByteStream> stream, Rng rng,
                                     http::Limits limits)
    : m_impl(std::make_shared<Impl>(std::move(stream), std::move(rng), limits)) {
    m_impl->Start();
}

HttpClientSession::~HttpClientSession() {
    Impl& impl = *m_impl;
    const HttpClientState was = impl.state.Get();
    impl.state.Move(HttpClientStep::Detach);
    impl.pending.clear();
    impl.on_closed = nullptr;
    if (was != HttpClientState::HandedOver && impl.stream) {
        detail::StopReading(*impl.stream);
        if (was == HttpClientState::Open || was == HttpClientState::Draining ||
            was == HttpClientState::Switched)
            impl.stream->Close();
    }
}

void HttpClientSession::Send(http::Request request, ResponseHandler handler) {
    Impl& impl = *m_impl;
    if (!impl.Usable()) {
        if (handler)
            impl.FailLater(std::move(handler), "the connection takes no more requests");
        return;
    }
    impl.parser.ExpectResponseTo(request.method);
    Impl::Pending p;
    p.handler = std::move(handler);
    impl.pending.push_back(std::move(p));
    impl.stream->Send(http::Serialize(request));
}

void HttpClientSession::UpgradeToWebSocket(const std::string& host, const std::string& target,
                                           const std::string& origin,
                                           const std::vector<std::string>& protocols,
                                           std::function<void(WebSocketUpgradeResult)> handler,
                                           const http::Headers& extra_headers) {
    Impl& impl = *m_impl;
    if (!impl.Usable()) {
        std::weak_ptr<Impl> weak = m_impl;
        Defer(weak, [handler = std::move(handler)] {
            WebSocketUpgradeResult result;
            result.response.status = 0;
            result.error = "the connection takes no more requests";
            if (handler)
                handler(std::move(result));
        });
        return;
    }
    ws::ClientHandshake handshake =
        ws::BuildClientHandshake(impl.rng, host, target, origin, protocols);
    for (const http::HeaderField& field : extra_headers)
        handshake.request.headers.Add(field.name, field.value);
    impl.parser.ExpectResponseTo("GET");
    Impl::Pending p;
    p.websocket = true;
    p.key = handshake.key;
    p.protocols = protocols;
    p.upgrade_handler = std::move(handler);
    impl.pending.push_back(std::move(p));
    impl.stream->Send(http::Serialize(handshake.request));
}

UpgradedStream HttpClientSession::TakeUpgradedStream() {
    Impl& impl = *m_impl;
    UpgradedStream out;
    if (impl.state.Get() != HttpClientState::Switched || !impl.stream)
        return out;
    out.leftover = impl.parser.TakeTrailingData();
    detail::StopReading(*impl.stream);
    out.stream = std::move(impl.stream);
    impl.state.Move(HttpClientStep::HandOver);
    return out;
}

void HttpClientSession::SetOnClosed(std::function<void(const CloseInfo&)> handler) {
    m_impl->on_closed = std::move(handler);
}

void HttpClientSession::Close() {
    Impl& impl = *m_impl;
    // Abandoned requests get no answer, whatever the state.
    impl.pending.clear();
    if (impl.state.Over() || impl.state.Get() == HttpClientState::Closing)
        return; // nothing left to close
    impl.state.Move(HttpClientStep::LocalClose);
    impl.stream->Close();
}

HttpClientState HttpClientSession::State() const {
    return m_impl->state.Get();
}

std::uint64_t HttpClientSession::OutOfStateEvents() const {
    return m_impl->state.Refused() + m_impl->unasked;
}

bool HttpClientSession::IsOpen() const {
    return m_impl->Usable();
}

std::size_t HttpClientSession::Outstanding() const {
    return m_impl->pending.size();
}

ByteStream* HttpClientSession::Stream() {
    return m_impl->state.Get() == HttpClientState::HandedOver ? nullptr : m_impl->stream.get();
}

std::uint64_t HttpClientSession::ResponsesReceived() const {
    return m_impl->responses;
}

} // namespace cmslab::devices::net
