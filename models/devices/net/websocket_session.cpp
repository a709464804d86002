#include "websocket_session.h"

#include "sim_time.h"
#include "stream_wiring.h"

#include <utility>
#include <variant>

namespace cmslab::devices::net {

struct WebSocketSession::Impl : std::enable_shared_from_this<WebSocketSession::Impl> {
    Impl(std::unique_ptr<ByteStream> s, ws::Connection c)
        : stream(std::move(s)), connection(std::move(c)) {}

    std::unique_ptr<ByteStream> stream;
    ws::Connection connection;
    bool finished = false;
    bool detached = false;
    WebSocketClosed peer_close; // what the peer's Close frame said
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::function<void(const WebSocketMessage&)> on_message;
    std::function<void(const WebSocketClosed&)> on_closed;
    std::function<void(const Bytes&)> on_pong;

    void Start(Bytes leftover) {
        auto self = shared_from_this();
        if (!leftover.empty())
            FromStream(leftover);
        if (finished)
            return;
        // Only now: bytes that came meanwhile were held by the stream, behind the leftover.
        detail::ReadFrom(*stream, self, &Impl::FromStream, &Impl::StreamClosed);
    }

    void FromStream(const Bytes& data) {
        auto self = shared_from_this();
        if (finished)
            return;
        for (ws::Event& event : connection.Feed(data)) {
            if (finished)
                return;
            if (auto* text = std::get_if<ws::TextMessage>(&event)) {
                ++received;
                WebSocketMessage m;
                m.text = std::move(text->text);
                Dispatch(m);
            } else if (auto* binary = std::get_if<ws::BinaryMessage>(&event)) {
                ++received;
                WebSocketMessage m;
                m.binary = true;
                m.data = std::move(binary->data);
                Dispatch(m);
            } else if (auto* ping = std::get_if<ws::Ping>(&event)) {
                stream->Send(connection.SendPong(ping->payload));
            } else if (auto* pong = std::get_if<ws::Pong>(&event)) {
                if (on_pong && !detached) {
                    auto handler = on_pong;
                    handler(pong->payload);
                }
            } else if (auto* close = std::get_if<ws::CloseReceived>(&event)) {
                peer_close.code = close->code;
                peer_close.reason = close->reason;
                if (connection.GetState() == ws::Connection::State::CloseReceived) {
                    // Echo the peer's status, as RFC 6455 5.5.1 suggests.
                    std::optional<std::uint16_t> echo = close->code;
                    if (echo && !ws::IsValidWireCloseCode(*echo))
                        echo = ws::close_code::kNormal;
                    stream->Send(connection.SendClose(echo));
                }
                if (connection.GetState() == ws::Connection::State::Closed) {
                    stream->Close();
                    Finish(true, {CloseReason::Local, "closing handshake done"});
                    return;
                }
            } else if (auto* failure = std::get_if<ws::Failure>(&event)) {
                stream->Send(connection.SendClose(failure->close_code, failure->message));
                stream->Close();
                peer_close.code.reset();
                Finish(false, {CloseReason::ProtocolError, failure->message});
                return;
            }
        }
    }

    void Dispatch(const WebSocketMessage& message) {
        if (!on_message || detached)
            return;
        auto handler = on_message;
        handler(message);
    }

    void StreamClosed(const CloseInfo& info) {
        auto self = shared_from_this();
        if (finished)
            return;
        Finish(connection.GetState() == ws::Connection::State::Closed, info);
    }

    void Finish(bool clean, CloseInfo transport) {
        if (finished)
            return;
        finished = true;
        if (!on_closed || detached)
            return;
        WebSocketClosed closed = peer_close;
        closed.clean = clean;
        closed.transport = std::move(transport);
        auto handler = std::move(on_closed);
        on_closed = nullptr;
        handler(closed);
    }

    bool Emit(Bytes frame) {
        if (finished || frame.empty())
            return false;
        stream->Send(frame);
        return true;
    }
};

WebSocketSession::WebSocketSession(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}

WebSocketSession::~WebSocketSession() {
    Impl& impl = *m_impl;
    impl.detached = true;
    impl.on_message = nullptr;
    impl.on_closed = nullptr;
    impl.on_pong = nullptr;
    if (!impl.finished) {
        impl.finished = true;
        impl.stream->Close();
    }
}

std::unique_ptr<WebSocketSession> WebSocketSession::Client(std::unique_ptr<ByteStream> stream,
                                                           Rng rng, Bytes leftover,
                                                           ws::Limits limits) {
    auto impl =
        std::make_shared<Impl>(std::move(stream), ws::Connection::Client(std::move(rng), limits));
    std::weak_ptr<Impl> weak = impl;
    Defer(weak, [weak, leftover = std::move(leftover)]() mutable {
        if (auto self = weak.lock())
            self->Start(std::move(leftover));
    });
    return std::unique_ptr<WebSocketSession>(new WebSocketSession(impl));
}

std::unique_ptr<WebSocketSession> WebSocketSession::Server(std::unique_ptr<ByteStream> stream,
                                                           Bytes leftover, ws::Limits limits) {
    auto impl = std::make_shared<Impl>(std::move(stream), ws::Connection::Server(limits));
    std::weak_ptr<Impl> weak = impl;
    Defer(weak, [weak, leftover = std::move(leftover)]() mutable {
        if (auto self = weak.lock())
            self->Start(std::move(leftover));
    });
    return std::unique_ptr<WebSocketSession>(new WebSocketSession(impl));
}

void WebSocketSession::SetOnMessage(std::function<void(const WebSocketMessage&)> handler) {
    m_impl->on_message = std::move(handler);
}

void WebSocketSession::SetOnClosed(std::function<void(const WebSocketClosed&)> handler) {
    m_impl->on_closed = std::move(handler);
}

void WebSocketSession::SetOnPong(std::function<void(const Bytes&)> handler) {
    m_impl->on_pong = std::move(handler);
}

bool WebSocketSession::Send(std::string_view text) {
    if (!m_impl->Emit(m_impl->connection.SendText(text)))
        return false;
    ++m_impl->sent;
    return true;
}

bool WebSocketSession::SendBinary(ByteView data) {
    if (!m_impl->Emit(m_impl->connection.SendBinary(data)))
        return false;
    ++m_impl->sent;
    return true;
}

bool WebSocketSession::Ping(ByteView payload) {
    return m_impl->Emit(m_impl->connection.SendPing(payload));
}

void WebSocketSession::Close(std::uint16_t code, std::string_view reason) {
    if (m_impl->connection.GetState() != ws::Connection::State::Open)
        return;
    m_impl->Emit(m_impl->connection.SendClose(code, reason));
}

ws::Connection::State WebSocketSession::GetState() const {
    return m_impl->connection.GetState();
}

bool WebSocketSession::IsOpen() const {
    return !m_impl->finished && m_impl->connection.GetState() == ws::Connection::State::Open;
}

ByteStream& WebSocketSession::Stream() {
    return *m_impl->stream;
}

std::uint64_t WebSocketSession::MessagesSent() const {
    return m_impl->sent;
}

std::uint64_t WebSocketSession::MessagesReceived() const {
    return m_impl->received;
}

} // namespace cmslab::devices::net
