#include "ws_connection.h"

#include "http/utf8.h"

#include <algorithm>

namespace cmslab::ws {

Connection::Connection(Role role, std::optional<Rng> rng, Limits limits)
    : m_role(role), m_rng(std::move(rng)), m_limits(limits),
      m_decoder(role, limits.max_frame_payload) {}

Connection Connection::Client(Rng rng, Limits limits) {
    return Connection(Role::Client, std::move(rng), limits);
}

Connection Connection::Server(Limits limits) {
    return Connection(Role::Server, std::nullopt, limits);
}

void Connection::Receive(ByteView data) {
    m_decoder.Receive(data);
}

std::vector<Event> Connection::Feed(ByteView data) {
    Receive(data);
    std::vector<Event> out;
    while (true) {
        auto ev = Next();
        if (std::holds_alternative<NeedData>(ev))
            break;
        const bool stop = std::holds_alternative<Failure>(ev);
        out.push_back(std::move(ev));
        if (stop)
            break;
    }
    return out;
}

Event Connection::Fail(std::uint16_t code, std::string message) {
    m_state = State::Failed;
    m_failure = Failure{code, std::move(message)};
    return m_failure;
}

Event Connection::Next() {
    while (true) {
        if (m_state == State::Failed)
            return m_failure;
        auto r = m_decoder.Next();
        if (r.status == FrameDecodeResult::Status::Incomplete)
            return NeedData{};
        if (r.status == FrameDecodeResult::Status::Invalid)
            return Fail(r.close_code, r.error);
        Frame& f = r.frame;
        if (m_state == State::CloseReceived || m_state == State::Closed)
            return Fail(close_code::kProtocolError, "frame after Close");

        switch (f.opcode) {
        case Opcode::Ping:
            return Ping{std::move(f.payload)};
        case Opcode::Pong:
            return Pong{std::move(f.payload)};
        case Opcode::Close: {
            CloseReceived ev;
            if (f.payload.size() == 1)
                return Fail(close_code::kProtocolError, "Close payload of one byte");
            if (f.payload.size() >= 2) {
                const std::uint16_t code =
                    static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]);
                if (!IsValidWireCloseCode(code))
                    return Fail(close_code::kProtocolError,
                                "invalid close code " + std::to_string(code));
                const ByteView reason = ByteView(f.payload).Sub(2);
                if (!IsValidUtf8(reason))
                    return Fail(close_code::kInvalidPayload, "close reason is not UTF-8");
                ev.code = code;
                ev.reason = reason.ToString();
            }
            m_state = m_state == State::CloseSent ? State::Closed : State::CloseReceived;
            return ev;
        }
        case Opcode::Continuation:
            if (!m_in_message)
                return Fail(close_code::kProtocolError, "continuation without a message");
            break;
        case Opcode::Text:
        case Opcode::Binary:
            if (m_in_message)
                return Fail(close_code::kProtocolError, "new message inside a fragmented one");
            m_in_message = true;
            m_message_opcode = f.opcode;
            m_message.clear();
            break;
        }
        if (m_message.size() + f.payload.size() > m_limits.max_message_bytes)
            return Fail(close_code::kMessageTooBig, "message exceeds the limit");
        m_message.insert(m_message.end(), f.payload.begin(), f.payload.end());
        if (!f.fin)
            continue;
        m_in_message = false;
        Bytes message = std::move(m_message);
        m_message.clear();
        if (m_message_opcode == Opcode::Binary)
            return BinaryMessage{std::move(message)};
        if (!IsValidUtf8(message))
            return Fail(close_code::kInvalidPayload, "text message is not UTF-8");
        return TextMessage{std::string(message.begin(), message.end())};
    }
}

Bytes Connection::Emit(Opcode opcode, bool fin, ByteView payload) {
    Frame f;
    f.fin = fin;
    f.opcode = opcode;
    f.payload = payload.ToBytes();
    if (m_role == Role::Client) {
        f.masked = true;
        m_rng->Fill(f.mask_key.data(), f.mask_key.size());
    }
    return EncodeFrame(f);
}

Bytes Connection::SendText(std::string_view text) {
    if (m_state != State::Open)
        return {};
    return Emit(Opcode::Text, true, ByteView(text));
}

Bytes Connection::SendBinary(ByteView data) {
    if (m_state != State::Open)
        return {};
    return Emit(Opcode::Binary, true, data);
}

Bytes Connection::SendFragmented(Opcode opcode, ByteView data, std::size_t fragment_size) {
    if (m_state != State::Open || IsControl(opcode) || opcode == Opcode::Continuation)
        return {};
    fragment_size = std::max<std::size_t>(fragment_size, 1);
    Bytes out;
    std::size_t offset = 0;
    do {
        const std::size_t n = std::min(fragment_size, data.size - offset);
        const bool fin = offset + n == data.size;
        const Bytes frame =
            Emit(offset == 0 ? opcode : Opcode::Continuation, fin, data.Sub(offset, n));
        out.insert(out.end(), frame.begin(), frame.end());
        offset += n;
    } while (offset < data.size);
    return out;
}

Bytes Connection::SendPing(ByteView payload) {
    if (m_state != State::Open || payload.size > 125)
        return {};
    return Emit(Opcode::Ping, true, payload);
}

Bytes Connection::SendPong(ByteView payload) {
    if ((m_state != State::Open && m_state != State::CloseSent) || payload.size > 125)
        return {};
    return Emit(Opcode::Pong, true, payload);
}

Bytes Connection::SendClose(std::optional<std::uint16_t> code, std::string_view reason) {
    if (m_state == State::CloseSent || m_state == State::Closed)
        return {};
    Bytes payload;
    if (code) {
        payload.push_back(static_cast<std::uint8_t>(*code >> 8));
        payload.push_back(static_cast<std::uint8_t>(*code));
        // Cut at a character boundary so that the reason stays valid UTF-8.
        std::size_t n = std::min<std::size_t>(reason.size(), 123);
        while (n > 0 && n < reason.size() && (static_cast<unsigned char>(reason[n]) & 0xc0) == 0x80)
            --n;
        payload.insert(payload.end(), reason.begin(),
                       reason.begin() + static_cast<std::ptrdiff_t>(n));
    }
    if (m_state == State::Open)
        m_state = State::CloseSent;
    else if (m_state == State::CloseReceived)
        m_state = State::Closed;
    return Emit(Opcode::Close, true, payload);
}

} // namespace cmslab::ws
