// Generated inputs for every decoder of the package: random buffers, truncations and
// single-byte mutations of valid messages, oversized lengths. Each must be answered
// (events or an error) without crashing, and the verdict must not depend on how the
// bytes were split.
#include "http/ws_connection.h"
#include "http_test_util.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::http;

namespace {

constexpr int kInputs = 100000;

const std::vector<std::string> kValidRequests = {
    "GET /meeting?id=1 HTTP/1.1\r\nHost: cmsweb.example.com\r\nAccept: */*\r\n\r\n",
    "POST /login HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "Content-Length: 9\r\n\r\nuser=x&y=",
    "PUT /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n0\r\nT: "
    "1\r\n\r\n",
    "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n\x81\x80",
    "GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n",
};

const std::vector<std::string> kValidResponses = {
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n0\r\n\r\n",
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00",
    "HTTP/1.0 200 OK\r\n\r\nuntil close",
    "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
};

// Bytes that steer a parser to its interesting states more often than uniform noise.
const std::string kAlphabet = "\r\n :;,0123456789abcdefABCDEF/HTTP.chunkedGETPOST\t\x00\x7f\xff=";

std::string Generate(Rng& rng, const std::vector<std::string>& valid) {
    const auto kind = rng.Uniform(0, 9);
    const std::string& base = valid[rng.Uniform(0, valid.size() - 1)];
    std::string s;
    if (kind == 0) { // random bytes
        s.resize(rng.Uniform(0, 200));
        for (auto& c : s)
            c = static_cast<char>(rng.Uniform(0, 255));
    } else if (kind == 1) { // random from a protocol-ish alphabet
        s.resize(rng.Uniform(0, 200));
        for (auto& c : s)
            c = kAlphabet[rng.Uniform(0, kAlphabet.size() - 1)];
    } else if (kind == 2) { // truncation
        s = base.substr(0, rng.Uniform(0, base.size()));
    } else if (kind <= 6) { // one to three single-byte mutations
        s = base;
        const auto n = rng.Uniform(1, 3);
        for (std::uint64_t i = 0; i < n; ++i) {
            const auto pos = rng.Uniform(0, s.size() - 1);
            s[pos] = rng.Uniform(0, 1) ? kAlphabet[rng.Uniform(0, kAlphabet.size() - 1)]
                                       : static_cast<char>(rng.Uniform(0, 255));
        }
    } else if (kind == 7) { // oversized lengths
        s = base;
        for (const char* field : {"Content-Length: ", "\r\n\r\n"}) {
            const auto at = s.find(field);
            if (at != std::string::npos) {
                s.insert(at + std::string_view(field).size(),
                         rng.Uniform(0, 1) ? "99999999999999999999" : "ffffffffffffffff\r\n");
                break;
            }
        }
    } else { // pipelines of two valid messages with a cut
        s = base + valid[rng.Uniform(0, valid.size() - 1)];
        s.erase(rng.Uniform(0, s.size() - 1), rng.Uniform(0, 3));
    }
    return s;
}

void FuzzParser(MessageKind kind, const std::vector<std::string>& valid, std::uint64_t seed) {
    Rng rng(seed);
    std::size_t errors = 0, heads = 0;
    for (int i = 0; i < kInputs; ++i) {
        const std::string input = Generate(rng, valid);
        const bool eof = rng.Uniform(0, 1) == 1;
        const auto whole = ParseWhole(kind, input, eof);
        std::vector<std::size_t> cuts;
        for (std::size_t at = rng.Uniform(1, 16); at < input.size(); at += rng.Uniform(1, 16))
            cuts.push_back(at);
        const auto split = ParseInPieces(kind, input, cuts, eof);
        ASSERT_EQ(split, whole) << "input " << i << ": " << testing::PrintToString(input);
        for (std::size_t k = 0; k < whole.size(); ++k) {
            if (const auto* err = std::get_if<ProtocolError>(&whole[k])) {
                ++errors;
                ASSERT_EQ(k + 1, whole.size()) << "nothing after an error";
                ASSERT_FALSE(err->message.empty());
                const int st = err->status;
                ASSERT_TRUE(st == 400 || st == 413 || st == 414 || st == 431 || st == 501 ||
                            st == 502 || st == 505)
                    << st;
            }
            if (std::holds_alternative<RequestHead>(whole[k]) ||
                std::holds_alternative<ResponseHead>(whole[k]))
                ++heads;
        }
    }
    // The generator must reach both outcomes, or it tests nothing.
    EXPECT_GT(errors, static_cast<std::size_t>(kInputs / 10));
    EXPECT_GT(heads, static_cast<std::size_t>(kInputs / 10));
}

} // namespace

TEST(HttpFuzz, RequestParserSurvivesGeneratedInput) {
    FuzzParser(MessageKind::Request, kValidRequests, 1);
}

TEST(HttpFuzz, ResponseParserSurvivesGeneratedInput) {
    FuzzParser(MessageKind::Response, kValidResponses, 2);
}

TEST(HttpFuzz, WebSocketDecoderSurvivesGeneratedInput) {
    Rng rng(3);
    auto sender = ws::Connection::Client(Rng(4));
    std::vector<Bytes> valid = {
        sender.SendText("Hello"),
        sender.SendBinary(Bytes(300, 7)),
        sender.SendFragmented(ws::Opcode::Text, ByteView(std::string_view("fragmented text")), 4),
        sender.SendPing(ByteView(std::string_view("ping"))),
        sender.SendBinary(Bytes(70000, 1)),
        sender.SendClose(1000, "bye"), // last: nothing can be sent after it
    };
    const std::size_t kBigFrame = valid.size() - 2;
    for (const auto& v : valid)
        ASSERT_FALSE(v.empty());
    std::size_t failures = 0, messages = 0;
    for (int i = 0; i < kInputs; ++i) {
        Bytes input;
        const auto kind = rng.Uniform(0, 4);
        // The 64 KiB frame (64-bit length form) is costly to copy: one input in 200; the
        // others are drawn evenly.
        std::size_t pick = kBigFrame;
        if (rng.Uniform(0, 199) != 0) {
            pick = rng.Uniform(0, valid.size() - 2);
            if (pick == kBigFrame)
                pick = valid.size() - 1;
        }
        const Bytes& base = valid[pick];
        if (kind == 0) {
            input.resize(rng.Uniform(0, 64));
            rng.Fill(input.data(), input.size());
        } else if (kind == 1) {
            input.assign(base.begin(),
                         base.begin() + static_cast<std::ptrdiff_t>(rng.Uniform(0, base.size())));
        } else if (kind == 2 || kind == 3) {
            input = base;
            const auto n = rng.Uniform(1, 3);
            for (std::uint64_t k = 0; k < n; ++k)
                input[rng.Uniform(0, std::min<std::size_t>(input.size() - 1, 20))] =
                    static_cast<std::uint8_t>(rng.U32());
        } else { // oversized length fields
            input = {0x82, static_cast<std::uint8_t>(0x80 | (rng.Uniform(0, 1) ? 126 : 127))};
            for (int k = 0; k < 8; ++k)
                input.push_back(static_cast<std::uint8_t>(rng.U32()));
        }
        // Both roles, whole and byte by byte must agree on the outcome.
        for (auto role : {ws::Role::Server, ws::Role::Client}) {
            ws::Limits limits;
            limits.max_frame_payload = 100000;
            limits.max_message_bytes = 100000;
            auto whole = role == ws::Role::Server ? ws::Connection::Server(limits)
                                                  : ws::Connection::Client(Rng(5), limits);
            const auto ev = whole.Feed(input);
            std::size_t ev_bytewise = 0;
            if (i % 64 == 0 && input.size() < 2000) {
                auto bytewise = role == ws::Role::Server ? ws::Connection::Server(limits)
                                                         : ws::Connection::Client(Rng(5), limits);
                for (auto b : input)
                    ev_bytewise += bytewise.Feed(ByteView(&b, 1)).size();
                ASSERT_EQ(bytewise.GetState(), whole.GetState()) << i;
            }
            for (const auto& e : ev) {
                failures += std::holds_alternative<ws::Failure>(e);
                messages += std::holds_alternative<ws::TextMessage>(e) ||
                            std::holds_alternative<ws::BinaryMessage>(e);
            }
            (void)ev_bytewise;
            // The stateless decoder on the same bytes.
            const auto r = ws::DecodeFrame(input, role, 100000);
            ASSERT_LE(r.consumed, input.size());
        }
    }
    EXPECT_GT(failures, static_cast<std::size_t>(kInputs / 10));
    EXPECT_GT(messages, static_cast<std::size_t>(kInputs / 20));
}
