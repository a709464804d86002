#include "http/base64.h"
#include "http/parser.h"
#include "http/serializer.h"
#include "http/utf8.h"
#include "http/ws_connection.h"
#include "http/ws_handshake.h"
#include "support/hex.h"
#include "support/values.h"

#include <gtest/gtest.h>

// Inside the package's namespace, so that its names win over the http ones that other
// test files of this program bring in with a using-directive (unity build).
namespace cmslab::ws {

using cmslab::testkit::Hex;

namespace {

using cmslab::testkit::B;

http::RequestHead Rfc6455Request() {
    http::RequestHead r;
    r.method = "GET";
    r.target = "/chat";
    r.headers = http::Headers{
        {"Host", "server.example.com"},   {"Upgrade", "websocket"},
        {"Connection", "Upgrade"},        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
        {"Origin", "http://example.com"}, {"Sec-WebSocket-Protocol", "chat, superchat"},
        {"Sec-WebSocket-Version", "13"}};
    return r;
}

} // namespace

// RFC 6455 1.3's example. (The value is base64(SHA-1(key + GUID)); `openssl sha1 -binary |
// base64` gives the same.)
TEST(WsHandshake, Rfc6455AcceptKey) {
    EXPECT_EQ(AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, ServerAnswersTheRfcExampleWith101) {
    const auto h = AnswerHandshake(Rfc6455Request(), {"superchat", "chat"});
    ASSERT_TRUE(h.accepted) << h.error;
    EXPECT_EQ(h.protocol, "chat") << "the client's order decides";
    const auto wire = http::SerializeHead(h.response);
    EXPECT_EQ(std::string(wire.begin(), wire.end()),
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "Sec-WebSocket-Protocol: chat\r\n"
              "\r\n");
    // Our own response parser hands the next bytes to the WebSocket layer.
    http::Parser p(http::MessageKind::Response);
    auto bytes = http::Serialize(h.response);
    bytes.push_back(0x81);
    const auto ev = p.Feed(bytes);
    ASSERT_EQ(ev.size(), 2u);
    const auto& head = std::get<http::ResponseHead>(ev[0]);
    const auto chosen =
        CheckServerHandshake(head, "dGhlIHNhbXBsZSBub25jZQ==", {"chat", "superchat"});
    ASSERT_TRUE(chosen) << chosen.Message();
    EXPECT_EQ(*chosen, std::optional<std::string>("chat"));
    EXPECT_EQ(p.TakeTrailingData(), Bytes{0x81});
}

TEST(WsHandshake, ServerRefusesBrokenHandshakes) {
    struct Case {
        const char* name;
        std::function<void(http::RequestHead&)> change;
        int status;
    };
    const std::vector<Case> cases = {
        {"POST", [](auto& r) { r.method = "POST"; }, 400},
        {"HTTP/1.0",
         [](auto& r) {
             r.version = http::Version{1, 0};
         },
         400},
        {"no Host", [](auto& r) { r.headers.Remove("Host"); }, 400},
        {"no Upgrade", [](auto& r) { r.headers.Remove("Upgrade"); }, 400},
        {"Upgrade h2c", [](auto& r) { r.headers.Set("Upgrade", "h2c"); }, 400},
        {"Connection keep-alive", [](auto& r) { r.headers.Set("Connection", "keep-alive"); }, 400},
        {"no key", [](auto& r) { r.headers.Remove("Sec-WebSocket-Key"); }, 400},
        {"short key", [](auto& r) { r.headers.Set("Sec-WebSocket-Key", "c2hvcnQ="); }, 400},
        {"key not base64",
         [](auto& r) { r.headers.Set("Sec-WebSocket-Key", "!!!!!!!!!!!!!!!!!!!!!!!!"); }, 400},
        {"two keys",
         [](auto& r) { r.headers.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="); }, 400},
        {"version 8", [](auto& r) { r.headers.Set("Sec-WebSocket-Version", "8"); }, 426},
        {"no version", [](auto& r) { r.headers.Remove("Sec-WebSocket-Version"); }, 426},
    };
    for (const auto& c : cases) {
        auto req = Rfc6455Request();
        c.change(req);
        const auto h = AnswerHandshake(req);
        EXPECT_FALSE(h.accepted) << c.name;
        EXPECT_EQ(h.response.status, c.status) << c.name;
        EXPECT_FALSE(h.error.empty()) << c.name;
        if (c.status == 426) {
            EXPECT_EQ(h.response.headers.Get("Sec-WebSocket-Version"), "13");
        }
    }
    // Case of the tokens does not matter.
    auto req = Rfc6455Request();
    req.headers.Set("Upgrade", "WebSocket");
    req.headers.Set("Connection", "keep-alive, upgrade");
    EXPECT_TRUE(AnswerHandshake(req).accepted);
    EXPECT_FALSE(AnswerHandshake(req).protocol) << "no subprotocol supported, none chosen";
}

TEST(WsHandshake, ClientBuildsFromTheRngAndChecksTheAnswer) {
    Rng a(7), b(7), c(8);
    const auto ha =
        BuildClientHandshake(a, "cmsweb.example.com", "/ws", "https://cmsweb.example.com");
    const auto hb =
        BuildClientHandshake(b, "cmsweb.example.com", "/ws", "https://cmsweb.example.com");
    const auto hc = BuildClientHandshake(c, "cmsweb.example.com", "/ws");
    EXPECT_EQ(ha.key, hb.key) << "same seed, same key";
    EXPECT_NE(ha.key, hc.key);
    EXPECT_EQ(http::Base64Decode(ha.key)->size(), 16u);
    EXPECT_EQ(ha.request.headers.Get("Origin"), "https://cmsweb.example.com");
    EXPECT_FALSE(hc.request.headers.Has("Origin"));

    const auto answer = AnswerHandshake(ha.request);
    ASSERT_TRUE(answer.accepted) << answer.error;
    EXPECT_TRUE(CheckServerHandshake(answer.response, ha.key));
    EXPECT_FALSE(CheckServerHandshake(answer.response, hc.key)) << "accept of another key";

    http::ResponseHead bad = answer.response;
    bad.status = 200;
    EXPECT_FALSE(CheckServerHandshake(bad, ha.key));
    bad = answer.response;
    bad.headers.Add("Sec-WebSocket-Extensions", "permessage-deflate");
    EXPECT_FALSE(CheckServerHandshake(bad, ha.key));
    bad = answer.response;
    bad.headers.Add("Sec-WebSocket-Protocol", "chat");
    EXPECT_FALSE(CheckServerHandshake(bad, ha.key)) << "not offered";
    bad = answer.response;
    bad.headers.Remove("Connection");
    EXPECT_FALSE(CheckServerHandshake(bad, ha.key));
}

TEST(WsFrame, Rfc6455Section55Examples) {
    // Single-frame unmasked text "Hello", and the masked one a client sends.
    Frame f;
    f.payload = B("Hello");
    EXPECT_EQ(EncodeFrame(f), Hex("810548656c6c6f"));
    f.masked = true;
    f.mask_key = {0x37, 0xfa, 0x21, 0x3d};
    EXPECT_EQ(EncodeFrame(f), Hex("818537fa213d7f9f4d5158"));
    auto r = DecodeFrame(Hex("818537fa213d7f9f4d5158"), Role::Server, 1000);
    ASSERT_EQ(r.status, FrameDecodeResult::Status::Complete) << r.error;
    EXPECT_EQ(r.frame, f);
    EXPECT_EQ(r.consumed, 11u);
    // Fragmented "Hel" + "lo", and an unmasked ping.
    Frame first{false, false, false, false, Opcode::Text, false, {}, B("Hel")};
    Frame second{true, false, false, false, Opcode::Continuation, false, {}, B("lo")};
    EXPECT_EQ(EncodeFrame(first), Hex("010348656c"));
    EXPECT_EQ(EncodeFrame(second), Hex("80026c6f"));
    Frame ping{true, false, false, false, Opcode::Ping, false, {}, B("Hello")};
    EXPECT_EQ(EncodeFrame(ping), Hex("890548656c6c6f"));
    // 256 bytes and 64 KiB binary: the 16- and 64-bit length forms.
    Frame big{true, false, false, false, Opcode::Binary, false, {}, Bytes(256, 0xab)};
    auto enc = EncodeFrame(big);
    EXPECT_EQ(Bytes(enc.begin(), enc.begin() + 4), Hex("827e0100"));
    big.payload.assign(65536, 0xcd);
    enc = EncodeFrame(big);
    EXPECT_EQ(Bytes(enc.begin(), enc.begin() + 10), Hex("827f0000000000010000"));
    r = DecodeFrame(enc, Role::Client, 1 << 20);
    ASSERT_EQ(r.status, FrameDecodeResult::Status::Complete);
    EXPECT_EQ(r.frame, big);
}

TEST(WsFrame, LengthBoundariesRoundTrip) {
    for (std::size_t n : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
        Frame f{true, false, false, false, Opcode::Binary, true, {1, 2, 3, 4}, Bytes(n, 0x5a)};
        const auto enc = EncodeFrame(f);
        const std::size_t header = (n <= 125 ? 2 : n <= 65535 ? 4 : 10) + 4;
        EXPECT_EQ(enc.size(), header + n) << n;
        const auto r = DecodeFrame(enc, Role::Server, 1 << 20);
        ASSERT_EQ(r.status, FrameDecodeResult::Status::Complete) << n;
        EXPECT_EQ(r.frame, f) << n;
        // Every prefix is incomplete, never an error.
        for (std::size_t cut = 0; cut < std::min<std::size_t>(enc.size(), 20); ++cut)
            EXPECT_EQ(DecodeFrame(ByteView(enc).Sub(0, cut), Role::Server, 1 << 20).status,
                      FrameDecodeResult::Status::Incomplete);
    }
}

TEST(WsFrame, RefusesWhatRfc6455Forbids) {
    struct Case {
        const char* name;
        std::string hex;
        Role local;
        std::uint16_t code;
    };
    const std::vector<Case> cases = {
        {"unmasked from client", "810548656c6c6f", Role::Server, 1002},
        {"masked from server", "818537fa213d7f9f4d5158", Role::Client, 1002},
        {"rsv1", "c10548656c6c6f", Role::Client, 1002},
        {"rsv3", "910548656c6c6f", Role::Client, 1002},
        {"opcode 3", "830548656c6c6f", Role::Client, 1002},
        {"opcode 0xB", "8b00", Role::Client, 1002},
        {"fragmented ping", "0900", Role::Client, 1002},
        {"ping of 126 bytes", "897e007e", Role::Client, 1002},
        {"non-minimal 16-bit", "827e007d", Role::Client, 1002},
        {"non-minimal 64-bit", "827f000000000000ffff", Role::Client, 1002},
        {"64-bit top bit", "827f8000000000000000", Role::Client, 1002},
        {"over the limit", "827f0000000000100000", Role::Client, 1009},
    };
    for (const auto& c : cases) {
        const auto r = DecodeFrame(Hex(c.hex), c.local, 65536);
        EXPECT_EQ(r.status, FrameDecodeResult::Status::Invalid) << c.name;
        EXPECT_EQ(r.close_code, c.code) << c.name << ": " << r.error;
    }
}

TEST(WsConnection, ClientAndServerTalkThroughFragmentsPingsAndClose) {
    auto client = Connection::Client(Rng(1));
    auto server = Connection::Server();

    // Client -> server: fragmented text with a ping in the middle, fed one byte at a time.
    Bytes wire = client.SendFragmented(Opcode::Text, ByteView(std::string_view("Grüße, Welt")), 3);
    const Bytes ping = client.SendPing(ByteView(std::string_view("p")));
    wire.insert(wire.begin() + 2 + 4 + 3, ping.begin(), ping.end()); // after the first frame
    std::vector<Event> got;
    for (auto byte : wire) {
        auto ev = server.Feed(ByteView(&byte, 1));
        got.insert(got.end(), ev.begin(), ev.end());
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(std::get<Ping>(got[0]).payload, B("p"));
    EXPECT_EQ(std::get<TextMessage>(got[1]).text, "Grüße, Welt");

    // Server -> client: unmasked binary and pong.
    Bytes down = server.SendBinary(Bytes{0, 1, 2});
    EXPECT_EQ(down[1] & 0x80, 0) << "server frames are not masked";
    const Bytes pong = server.SendPong(ByteView(std::string_view("p")));
    down.insert(down.end(), pong.begin(), pong.end());
    got = client.Feed(down);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(std::get<BinaryMessage>(got[0]).data, (Bytes{0, 1, 2}));
    EXPECT_EQ(std::get<Pong>(got[1]).payload, B("p"));

    // Close handshake initiated by the client.
    got = server.Feed(client.SendClose(close_code::kGoingAway, "bye"));
    EXPECT_EQ(client.GetState(), Connection::State::CloseSent);
    EXPECT_TRUE(client.SendText("late").empty()) << "no data after Close";
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(std::get<CloseReceived>(got[0]).code, close_code::kGoingAway);
    EXPECT_EQ(std::get<CloseReceived>(got[0]).reason, "bye");
    EXPECT_EQ(server.GetState(), Connection::State::CloseReceived);
    got = client.Feed(server.SendClose(close_code::kGoingAway));
    EXPECT_EQ(server.GetState(), Connection::State::Closed);
    EXPECT_EQ(client.GetState(), Connection::State::Closed);
    ASSERT_EQ(got.size(), 1u);
}

TEST(WsConnection, ClientMaskingIsDeterministicPerSeed) {
    auto a = Connection::Client(Rng(99));
    auto b = Connection::Client(Rng(99));
    auto c = Connection::Client(Rng(100));
    const auto fa = a.SendText("same");
    EXPECT_EQ(fa, b.SendText("same"));
    EXPECT_NE(fa, c.SendText("same"));
    EXPECT_NE(a.SendText("same"), fa) << "a fresh key per frame";
}

TEST(WsConnection, ProtocolViolationsGiveTheRightCloseCode) {
    struct Case {
        const char* name;
        std::vector<Frame> frames;
        std::uint16_t code;
    };
    auto F = [](bool fin, Opcode op, Bytes payload) {
        return Frame{fin, false, false, false, op, true, {9, 8, 7, 6}, std::move(payload)};
    };
    const std::vector<Case> cases = {
        {"continuation first", {F(true, Opcode::Continuation, B("x"))}, 1002},
        {"text inside text", {F(false, Opcode::Text, B("a")), F(true, Opcode::Text, B("b"))}, 1002},
        {"invalid UTF-8", {F(true, Opcode::Text, Bytes{0xc3, 0x28})}, 1007},
        {"UTF-8 split across fragments is fine, truncated is not",
         {F(false, Opcode::Text, Bytes{0xe2, 0x82}), F(true, Opcode::Continuation, Bytes{})},
         1007},
        {"surrogate", {F(true, Opcode::Text, Bytes{0xed, 0xa0, 0x80})}, 1007},
        {"one-byte close", {F(true, Opcode::Close, Bytes{0x03})}, 1002},
        {"close code 1005", {F(true, Opcode::Close, Bytes{0x03, 0xed})}, 1002},
        {"close code 999", {F(true, Opcode::Close, Bytes{0x03, 0xe7})}, 1002},
        {"close reason not UTF-8", {F(true, Opcode::Close, Bytes{0x03, 0xe8, 0xff})}, 1007},
        {"message too big",
         {F(false, Opcode::Binary, Bytes(60, 1)), F(true, Opcode::Continuation, Bytes(60, 1))},
         1009},
        {"frame after close",
         {F(true, Opcode::Close, Bytes{}), F(true, Opcode::Text, B("x"))},
         1002},
    };
    Limits limits;
    limits.max_message_bytes = 100;
    for (const auto& c : cases) {
        auto server = Connection::Server(limits);
        Bytes wire;
        for (const auto& f : c.frames) {
            const auto e = EncodeFrame(f);
            wire.insert(wire.end(), e.begin(), e.end());
        }
        const auto ev = server.Feed(wire);
        ASSERT_FALSE(ev.empty()) << c.name;
        const auto* fail = std::get_if<Failure>(&ev.back());
        ASSERT_NE(fail, nullptr) << c.name;
        EXPECT_EQ(fail->close_code, c.code) << c.name << ": " << fail->message;
        EXPECT_EQ(server.GetState(), Connection::State::Failed);
        const auto close = server.SendClose(fail->close_code);
        ASSERT_EQ(close.size(), 4u) << c.name;
        EXPECT_EQ((close[2] << 8) | close[3], c.code);
    }
    // A valid multi-byte character split across two fragments is accepted.
    auto server = Connection::Server();
    Bytes wire = EncodeFrame(F(false, Opcode::Text, Bytes{0xe2, 0x82}));
    const auto tail = EncodeFrame(F(true, Opcode::Continuation, Bytes{0xac}));
    wire.insert(wire.end(), tail.begin(), tail.end());
    const auto ev = server.Feed(wire);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(std::get<TextMessage>(ev[0]).text, "€");
}

TEST(WsConnection, CloseReasonIsCutAtACharacterBoundary) {
    auto server = Connection::Server();
    std::string reason;
    for (int i = 0; i < 100; ++i)
        reason += "é";
    const auto frame = server.SendClose(close_code::kNormal, reason);
    ASSERT_LE(frame.size(), 2u + 125u);
    auto client = Connection::Client(Rng(3));
    const auto ev = client.Feed(frame);
    ASSERT_EQ(ev.size(), 1u);
    const auto& close = std::get<CloseReceived>(ev[0]);
    EXPECT_EQ(close.code, close_code::kNormal);
    EXPECT_TRUE(IsValidUtf8(ByteView(close.reason)));
    EXPECT_EQ(close.reason.size(), 122u);
}

TEST(WsUtf8, Validation) {
    EXPECT_TRUE(IsValidUtf8(ByteView(std::string_view("plain ascii"))));
    EXPECT_TRUE(IsValidUtf8(Hex("f09f9880")));  // U+1F600
    EXPECT_TRUE(IsValidUtf8(Hex("f48fbfbf")));  // U+10FFFF
    EXPECT_FALSE(IsValidUtf8(Hex("f4908080"))); // past U+10FFFF
    EXPECT_FALSE(IsValidUtf8(Hex("c0af")));     // overlong '/'
    EXPECT_FALSE(IsValidUtf8(Hex("e080af")));   // overlong
    EXPECT_FALSE(IsValidUtf8(Hex("eda080")));   // surrogate
    EXPECT_FALSE(IsValidUtf8(Hex("80")));       // lone continuation
    EXPECT_FALSE(IsValidUtf8(Hex("e282")));     // truncated
}

} // namespace cmslab::ws
