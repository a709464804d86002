#include "http_server_session.h"

#include "http_server_state.h"

#include "http/assembler.h"
#include "http/serializer.h"
#include "http/status.h"
#include "http/ws_handshake.h"
#include "sim_time.h"
#include "stream_wiring.h"

#include <deque>
#include <optional>
#include <utility>

namespace cmslab::devices::net {

struct HttpResponder::State {
    std::weak_ptr<HttpServerSession::Impl> session;
    std::uint64_t sequence = 0;
    bool answered = false;
    bool upgrade = false;
    http::RequestHead head;
    Endpoint peer;
};

struct HttpServerSession::Impl : std::enable_shared_from_this<HttpServerSession::Impl> {
    struct Slot {
        std::uint64_t sequence = 0;
        bool ready = false;
        Bytes bytes;
        bool close_after = false;
        std::string close_detail; // a parse error: why the connection ends
    };

    Impl(std::unique_ptr<ByteStream> s, RequestHandler h, HttpServerOptions o)
        : stream(std::move(s)), handler(std::move(h)), options(o),
          parser(http::MessageKind::Request, o.limits) {}

    std::unique_ptr<ByteStream> stream;
    RequestHandler handler;
    HttpServerOptions options;
    http::Parser parser;
    http::RequestAssembler assembler;
    std::deque<Slot> pipeline; // answers owed, in request order
    std::uint64_t next_sequence = 0;
    // An upgrade request waiting for the answers before it to go out.
    std::optional<std::pair<http::Request, std::shared_ptr<HttpResponder::State>>> waiting_upgrade;
    HttpServerStateMachine state;
    // Re-entrancy of Pump (a handler may answer, and so pump, from inside it); not the
    // connection's state.
    bool in_pump = false;
    bool pump_again = false;
    std::uint64_t requests = 0;
    std::uint64_t responses = 0;
    std::function<void(const CloseInfo&)> on_closed;

    void Start() {
        detail::ReadFrom(*stream, shared_from_this(), &Impl::FromStream, &Impl::StreamClosed);
    }

    void FromStream(const Bytes& data) {
        parser.Receive(data);
        Pump();
    }

    bool Paused() const {
        return !state.Reading() || waiting_upgrade || pipeline.size() >= options.max_pipelined;
    }
    bool Detached() const { return state.Get() == HttpServerState::Detached; }

    void Pump() {
        if (in_pump) {
            pump_again = true;
            return;
        }
        auto self = shared_from_this();
        in_pump = true;
        do {
            pump_again = false;
            while (!Paused()) {
                http::Event event = parser.Next();
                if (std::holds_alternative<http::NeedData>(event) ||
                    std::holds_alternative<http::Paused>(event) ||
                    std::holds_alternative<http::ConnectionClosed>(event))
                    break;
                if (auto* error = std::get_if<http::ProtocolError>(&event)) {
                    RefuseRequest(*error);
                    break;
                }
                if (std::optional<http::Request> request = assembler.Add(event))
                    Dispatch(std::move(*request));
            }
        } while (pump_again && !state.Over());
        in_pump = false;
    }

    void RefuseRequest(const http::ProtocolError& error) {
        state.Move(HttpServerStep::FinalRequest);
        Slot slot;
        slot.sequence = next_sequence++;
        slot.ready = true;
        slot.bytes = http::Serialize(http::ErrorResponse(error.status, error.message));
        slot.close_after = true;
        slot.close_detail = std::to_string(error.status) + " " + error.message;
        pipeline.push_back(std::move(slot));
        Flush();
    }

    void Dispatch(http::Request request) {
        ++requests;
        auto answer = std::make_shared<HttpResponder::State>();
        answer->session = shared_from_this();
        answer->sequence = next_sequence++;
        answer->upgrade = parser.GetState() == http::Parser::State::UpgradePending;
        answer->head = request;
        answer->peer = stream->PeerEndpoint();
        Slot slot;
        slot.sequence = answer->sequence;
        slot.close_after = !http::IsPersistent(request.version, request.headers);
        if (slot.close_after)
            state.Move(HttpServerStep::FinalRequest);
        pipeline.push_back(std::move(slot));
        if (answer->upgrade && pipeline.size() > 1) {
            waiting_upgrade.emplace(std::move(request), std::move(answer));
            return;
        }
        Hand(std::move(request), std::move(answer));
    }

    void Hand(http::Request request, std::shared_ptr<HttpResponder::State> answer) {
        if (answer->upgrade)
            state.Move(HttpServerStep::UpgradeHanded);
        if (!handler || Detached())
            return;
        HttpResponder responder;
        responder.m_state = std::move(answer);
        RequestHandler h = handler;
        h(std::move(request), std::move(responder));
    }

    Slot* Find(std::uint64_t sequence) {
        for (Slot& slot : pipeline) {
            if (slot.sequence == sequence)
                return &slot;
        }
        return nullptr;
    }

    bool Respond(HttpResponder::State& answer, http::Response response) {
        auto self = shared_from_this();
        Slot* slot = Find(answer.sequence);
        if (state.Over() || slot == nullptr)
            return false;
        answer.answered = true;
        if (answer.head.method == "HEAD") {
            if (!response.headers.Has("Content-Length") &&
                !response.headers.Has("Transfer-Encoding") &&
                !http::StatusHasNoBody(response.status))
                response.headers.Add("Content-Length", std::to_string(response.body.size()));
            slot->bytes = http::SerializeHead(static_cast<const http::ResponseHead&>(response));
        } else {
            slot->bytes = http::Serialize(response);
        }
        if (response.headers.HasToken("Connection", "close")) {
            slot->close_after = true;
            state.Move(HttpServerStep::FinalRequest);
        }
        slot->ready = true;
        if (answer.upgrade) {
            // An ordinary answer declines the upgrade; HTTP goes on.
            state.Move(HttpServerStep::UpgradeDeclined);
            parser.DeclineUpgrade();
        }
        Flush();
        if (!state.Over())
            Pump();
        return true;
    }

    UpgradedStream SwitchProtocols(HttpResponder::State& answer, const http::Response& response) {
        auto self = shared_from_this();
        UpgradedStream out;
        if (state.Over() || !answer.upgrade || pipeline.empty() ||
            pipeline.front().sequence != answer.sequence)
            return out;
        answer.answered = true;
        stream->Send(http::Serialize(response));
        ++responses;
        pipeline.pop_front();
        out.leftover = parser.AcceptUpgrade();
        detail::StopReading(*stream);
        out.stream = std::move(stream);
        state.Move(HttpServerStep::HandOver);
        return out;
    }

    void Flush() {
        auto self = shared_from_this();
        while (!state.Over() && !pipeline.empty() && pipeline.front().ready) {
            Slot slot = std::move(pipeline.front());
            pipeline.pop_front();
            stream->Send(slot.bytes);
            ++responses;
            if (slot.close_after) {
                state.Move(HttpServerStep::End);
                stream->Close();
                if (slot.close_detail.empty())
                    Report({CloseReason::Local, "connection closed after the response"});
                else
                    Report({CloseReason::ProtocolError, slot.close_detail});
                return;
            }
        }
        if (waiting_upgrade && !pipeline.empty() &&
            pipeline.front().sequence == waiting_upgrade->second->sequence) {
            auto [request, answer] = std::move(*waiting_upgrade);
            waiting_upgrade.reset();
            Hand(std::move(request), std::move(answer));
        }
    }

    void StreamClosed(const CloseInfo& info) {
        auto self = shared_from_this();
        if (state.Over())
            return;
        state.Move(HttpServerStep::End);
        Report(info);
    }

    void Report(const CloseInfo& info) {
        if (!on_closed || Detached())
            return;
        auto handler = std::move(on_closed);
        on_closed = nullptr;
        handler(info);
    }
};

bool HttpResponder::Respond(http::Response response) {
    if (!m_state || m_state->answered)
        return false;
    auto session = m_state->session.lock();
    if (!session)
        return false;
    return session->Respond(*m_state, std::move(response));
}

std::unique_ptr<WebSocketSession>
HttpResponder::AcceptWebSocket(const std::vector<std::string>& protocols) {
    if (!m_state || m_state->answered || !m_state->upgrade)
        return nullptr;
    auto session = m_state->session.lock();
    if (!session)
        return nullptr;
    ws::ServerHandshake handshake = ws::AnswerHandshake(m_state->head, protocols);
    if (!handshake.accepted) {
        session->Respond(*m_state, std::move(handshake.response));
        return nullptr;
    }
    UpgradedStream upgraded = session->SwitchProtocols(*m_state, handshake.response);
    if (!upgraded.stream)
        return nullptr;
    return WebSocketSession::Server(std::move(upgraded.stream), std::move(upgraded.leftover));
}

UpgradedStream HttpResponder::SwitchProtocols(http::Response response) {
    if (!m_state || m_state->answered)
        return {};
    auto session = m_state->session.lock();
    if (!session)
        return {};
    return session->SwitchProtocols(*m_state, response);
}

bool HttpResponder::Answered() const {
    return !m_state || m_state->answered || m_state->session.expired();
}

bool HttpResponder::IsUpgradeRequest() const {
    return m_state && m_state->upgrade;
}

Endpoint HttpResponder::Peer() const {
    return m_state ? m_state->peer : Endpoint{};
}

HttpServerSession::HttpServerSession(std::unique_ptr<ByteStream> stream, RequestHandler handler,
                                     HttpServerOptions options)
    : m_impl(std::make_shared<Impl>(std::move(stream), std::move(handler), options)) {
    m_impl->Start();
}

HttpServerSession::~HttpServerSession() {
    Impl& impl = *m_impl;
    const HttpServerState was = impl.state.Get();
    impl.state.Move(HttpServerStep::Detach);
    impl.handler = nullptr;
    impl.on_closed = nullptr;
    if (was != HttpServerState::HandedOver && impl.stream) {
        detail::StopReading(*impl.stream);
        if (was != HttpServerState::Finished)
            impl.stream->Close();
    }
}

void HttpServerSession::SetOnClosed(std::function<void(const CloseInfo&)> handler) {
    m_impl->on_closed = std::move(handler);
}

bool HttpServerSession::IsOpen() const {
    return !m_impl->state.Over();
}

HttpServerState HttpServerSession::State() const {
    return m_impl->state.Get();
}

std::uint64_t HttpServerSession::OutOfStateEvents() const {
    return m_impl->state.Refused();
}

bool HttpServerSession::HandedOver() const {
    return m_impl->state.Get() == HttpServerState::HandedOver;
}

Endpoint HttpServerSession::Peer() const {
    return m_impl->stream ? m_impl->stream->PeerEndpoint() : Endpoint{};
}

Endpoint HttpServerSession::Local() const {
    return m_impl->stream ? m_impl->stream->LocalEndpoint() : Endpoint{};
}

std::uint64_t HttpServerSession::RequestsReceived() const {
    return m_impl->requests;
}

std::uint64_t HttpServerSession::ResponsesSent() const {
    return m_impl->responses;
}

} // namespace cmslab::devices::net
