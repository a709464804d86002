// The WebSocket server side as the web bridge runs it: an HTTP request read by the
// parser, the opening handshake checked (RFC 6455 4.2), and on success the bytes that
// follow fed to a server Connection. Or, by the first byte, the client side: a response
// checked against the key the client sent (RFC 6455 4.1).
// Properties: no exception escapes; a refused handshake is 400, or 426 with
// Sec-WebSocket-Version: 13; an accepted one is 101 with the right Sec-WebSocket-Accept;
// text messages are valid UTF-8; a Failure carries a close code allowed on the wire and
// the Close answering it decodes as a client reads it.
#include "common/overloaded.h"
#include "fuzz_support.h"
#include "http/parser.h"
#include "http/utf8.h"
#include "http/ws_connection.h"
#include "http/ws_handshake.h"

using namespace cmslab;

namespace {

const std::vector<std::string> kSupported = {"cms-signaling", "chat"};

void RunConnection(ByteView bytes, std::size_t piece) {
    ws::Connection server = ws::Connection::Server(ws::Limits{4096, 8192});
    for (std::size_t at = 0; at < bytes.size; at += piece) {
        for (const ws::Event& e : server.Feed(bytes.Sub(at, piece))) {
            bool failed = false;
            std::visit(
                Overloaded{
                    [](const ws::NeedData&) {},
                    [](const ws::TextMessage& m) {
                        FUZZ_CHECK(ws::IsValidUtf8(ByteView(m.text)), "text message is not UTF-8");
                    },
                    [](const ws::BinaryMessage&) {},
                    [](const ws::Ping& p) {
                        FUZZ_CHECK(p.payload.size() <= 125, "ping payload over 125");
                    },
                    [](const ws::Pong&) {},
                    [](const ws::CloseReceived&) {},
                    [&](const ws::Failure& f) {
                        FUZZ_CHECK(ws::IsValidWireCloseCode(f.close_code),
                                   "failure with close code " + std::to_string(f.close_code));
                        const Bytes close = server.SendClose(f.close_code, f.message);
                        auto r = ws::DecodeFrame(close, ws::Role::Client, 125);
                        FUZZ_CHECK(r.status == ws::FrameDecodeResult::Status::Complete &&
                                       r.frame.opcode == ws::Opcode::Close,
                                   "the Close answering a failure does not decode");
                        failed = true;
                    },
                },
                e);
            if (failed)
                return;
        }
    }
}

void ServerSide(fuzz::Chunks& in) {
    const std::size_t piece = 1 + in.U8() % 64;
    const ByteView input = in.Rest();
    http::Parser parser(http::MessageKind::Request);
    parser.Receive(input);
    const http::Event e = parser.Next();
    const auto* head = std::get_if<http::RequestHead>(&e);
    if (!head)
        return;
    const ws::ServerHandshake answer = ws::AnswerHandshake(*head, kSupported);
    if (!answer.accepted) {
        FUZZ_CHECK(answer.response.status == 400 || answer.response.status == 426,
                   "refused handshake answered " + std::to_string(answer.response.status));
        if (answer.response.status == 426)
            FUZZ_CHECK(answer.response.headers.Get("Sec-WebSocket-Version") == std::string("13"),
                       "426 without Sec-WebSocket-Version: 13");
        return;
    }
    FUZZ_CHECK(answer.response.status == 101, "accepted handshake not answered 101");
    const auto key = head->headers.Get("Sec-WebSocket-Key");
    FUZZ_CHECK(key.has_value(), "accepted a handshake without a key");
    FUZZ_CHECK(answer.response.headers.Get("Sec-WebSocket-Accept") == ws::AcceptKey(*key),
               "wrong Sec-WebSocket-Accept");
    if (answer.protocol) {
        bool offered = false;
        for (const auto& p : head->headers.Tokens("Sec-WebSocket-Protocol"))
            offered = offered || p == *answer.protocol;
        FUZZ_CHECK(offered, "chose a subprotocol the client did not offer");
    }
    // The bytes after the request: what the body framing left over, and what follows.
    while (std::holds_alternative<http::Data>(parser.Next())) {
    }
    if (parser.GetState() != http::Parser::State::UpgradePending)
        return;
    const Bytes rest = parser.AcceptUpgrade();
    RunConnection(rest, piece);
}

void ClientSide(fuzz::Chunks& in) {
    Rng rng(in.U8());
    const std::vector<std::string> offered = {"chat"};
    const auto handshake = ws::BuildClientHandshake(rng, "cmsweb.example.com", "/ws", "", offered);
    http::Parser parser(http::MessageKind::Response);
    parser.Receive(in.Rest());
    const http::Event e = parser.Next();
    const auto* head = std::get_if<http::ResponseHead>(&e);
    if (!head)
        return;
    auto checked = ws::CheckServerHandshake(*head, handshake.key, offered);
    if (checked.Ok()) {
        FUZZ_CHECK(head->status == 101, "accepted an answer other than 101");
        FUZZ_CHECK(head->headers.Get("Sec-WebSocket-Accept") == ws::AcceptKey(handshake.key),
                   "accepted a wrong Sec-WebSocket-Accept");
        FUZZ_CHECK(!checked->has_value() || **checked == "chat", "accepted a protocol not offered");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Chunks in(data, size);
    const std::uint8_t mode = in.U8();
    fuzz::NoThrow("WebSocket handshake", [&] {
        if (mode & 1)
            ClientSide(in);
        else
            ServerSide(in);
    });
    return 0;
}
