#include "http_test_util.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace cmslab;
using namespace cmslab::http;

namespace {

// Three pipelined requests: a form POST, a GET with repeated header names in mixed case,
// and a chunked PUT with an extension and trailers; a stray CRLF between two of them.
const std::string kRequests = "POST /login?lang=en HTTP/1.1\r\n"
                              "Host: cmsweb.example.com\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: 27\r\n"
                              "\r\n"
                              "user=guest+1&passcode=12%2B"
                              "\r\n"
                              "GET /static/app.js HTTP/1.1\r\n"
                              "host: cmsweb.example.com:443\r\n"
                              "Accept: text/html\r\n"
                              "X-Trace: one\r\n"
                              "x-trace:   two  \r\n"
                              "\r\n"
                              "PUT /upload HTTP/1.1\r\n"
                              "Host: cmsweb.example.com\r\n"
                              "Transfer-Encoding: chunked\r\n"
                              "\r\n"
                              "5;name=value\r\nhello\r\n"
                              "1A\r\n abcdefghijklmnopqrstuvwxy\r\n"
                              "0\r\n"
                              "Checksum: abc\r\n"
                              "\r\n";

const std::string kResponses =
    "HTTP/1.1 100 Continue\r\n\r\n"
    "HTTP/1.1 200 OK\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Set-Cookie: a=1\r\n"
    "Set-Cookie: b=2\r\n"
    "\r\n"
    "4\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n"
    "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"
    "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" // answer to HEAD: no body follows
    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
    "read until the server closes";

const std::vector<std::string> kResponseMethods{"POST", "GET", "GET", "HEAD", "GET"};

std::vector<std::size_t> EveryByte(std::size_t n) {
    std::vector<std::size_t> cuts(n > 0 ? n - 1 : 0);
    std::iota(cuts.begin(), cuts.end(), 1);
    return cuts;
}

Data D(std::string_view s) {
    return Data{Bytes(s.begin(), s.end())};
}

// An input a fuzz target found (tests/proto/http/fuzz_inputs/), replayed as the target runs
// it: its two choice bytes dropped, the target's limits (fuzz/http_parser_check.h's
// SmallLimits), whole and in pieces of `piece` bytes, then EOF.
struct FuzzReplay {
    bool found = false;
    std::vector<Event> whole;
    std::vector<Event> pieces;
};

FuzzReplay ReplayFuzzInput(const std::string& name, MessageKind kind, std::size_t piece,
                           const std::vector<std::string>& methods = {}) {
    FuzzReplay r;
    const std::string file =
        testkit::ReadFile(std::string(CMSLAB_SOURCE_DIR) + "/tests/proto/http/fuzz_inputs/" + name);
    if (file.size() <= 2)
        return r;
    r.found = true;
    const std::string input = file.substr(2);
    Limits limits;
    limits.max_header_bytes = 1024;
    limits.max_headers = 12;
    limits.max_start_line = 256;
    limits.max_body_bytes = 2048;
    limits.max_chunk_line = 64;
    std::vector<std::size_t> cuts;
    for (std::size_t at = piece; at < input.size(); at += piece)
        cuts.push_back(at);
    r.whole = ParseWhole(kind, input, true, methods, limits);
    r.pieces = ParseInPieces(kind, input, cuts, true, methods, limits);
    return r;
}

} // namespace

TEST(HttpParser, PipelinedRequestsGiveTheExpectedEvents) {
    const auto ev = ParseWhole(MessageKind::Request, kRequests, true);
    ASSERT_EQ(ev.size(), 9u) << Describe(ev);
    const auto& post = As<RequestHead>(ev[0]);
    EXPECT_EQ(post.method, "POST");
    EXPECT_EQ(post.target, "/login?lang=en");
    EXPECT_EQ(post.version, (Version{1, 1}));
    EXPECT_EQ(post.headers.Get("content-length"), "27");
    EXPECT_EQ(As<Data>(ev[1]), D("user=guest+1&passcode=12%2B"));
    EXPECT_EQ(As<EndOfMessage>(ev[2]).trailers.size(), 0u);

    const auto& get = As<RequestHead>(ev[3]);
    EXPECT_EQ(get.target, "/static/app.js");
    EXPECT_EQ(get.headers.Get("HOST"), "cmsweb.example.com:443");
    EXPECT_EQ(get.headers.GetAll("X-TRACE"), (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(get.headers.Fields()[3].name, "x-trace") << "names are kept as sent";
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(ev[4]));

    EXPECT_EQ(As<RequestHead>(ev[5]).method, "PUT");
    EXPECT_EQ(As<Data>(ev[6]), D("hello abcdefghijklmnopqrstuvwxy"));
    EXPECT_EQ(As<EndOfMessage>(ev[7]).trailers, (Headers{{"Checksum", "abc"}}));
    EXPECT_TRUE(std::holds_alternative<ConnectionClosed>(ev.back())) << Describe(ev);
}

TEST(HttpParser, RequestsSplitAtEveryByteBoundaryGiveTheSameEvents) {
    const auto whole = ParseWhole(MessageKind::Request, kRequests, true);
    for (std::size_t cut = 1; cut < kRequests.size(); ++cut) {
        const auto split = ParseInPieces(MessageKind::Request, kRequests, {cut}, true);
        ASSERT_EQ(split, whole) << "cut at " << cut << "\n" << Describe(split);
    }
    EXPECT_EQ(ParseInPieces(MessageKind::Request, kRequests, EveryByte(kRequests.size()), true),
              whole);
}

TEST(HttpParser, ResponsesGiveTheExpectedEvents) {
    const auto ev = ParseWhole(MessageKind::Response, kResponses, true, kResponseMethods);
    const std::string text = Describe(ev);
    ASSERT_EQ(ev.size(), 15u) << text;
    EXPECT_EQ(As<ResponseHead>(ev[0]).status, 100);
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(ev[1]));
    const auto& ok = As<ResponseHead>(ev[2]);
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.reason, "OK");
    EXPECT_EQ(ok.headers.GetAll("set-cookie"), (std::vector<std::string>{"a=1", "b=2"}));
    EXPECT_EQ(As<Data>(ev[3]), D("Wikipedia"));
    EXPECT_EQ(As<EndOfMessage>(ev[4]).trailers, (Headers{{"Expires", "never"}}));
    EXPECT_EQ(As<ResponseHead>(ev[5]).status, 204);
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(ev[6]))
        << "204 has no body despite Content-Length";
    EXPECT_EQ(As<ResponseHead>(ev[7]).status, 304);
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(ev[8]));
    EXPECT_EQ(As<ResponseHead>(ev[9]).headers.Get("Content-Length"), "5");
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(ev[10])) << "a HEAD answer has no body";
    EXPECT_EQ(As<ResponseHead>(ev[11]).version, (Version{1, 0}));
    EXPECT_EQ(As<Data>(ev[12]), D("read until the server closes"));
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(ev[13]));
    EXPECT_TRUE(std::holds_alternative<ConnectionClosed>(ev[14]));
}

TEST(HttpParser, ResponsesSplitAtEveryByteBoundaryGiveTheSameEvents) {
    const auto whole = ParseWhole(MessageKind::Response, kResponses, true, kResponseMethods);
    for (std::size_t cut = 1; cut < kResponses.size(); ++cut) {
        const auto split =
            ParseInPieces(MessageKind::Response, kResponses, {cut}, true, kResponseMethods);
        ASSERT_EQ(split, whole) << "cut at " << cut << "\n" << Describe(split);
    }
    EXPECT_EQ(ParseInPieces(MessageKind::Response, kResponses, EveryByte(kResponses.size()), true,
                            kResponseMethods),
              whole);
}

TEST(HttpParser, ReadUntilCloseBodyEndsOnlyAtEof) {
    Parser p(MessageKind::Response);
    auto ev = p.Feed(ByteView(std::string_view("HTTP/1.1 200 OK\r\n\r\npart one ")));
    ASSERT_EQ(ev.size(), 2u) << Describe(ev);
    ev = p.Feed(ByteView(std::string_view("part two")));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(As<Data>(ev[0]), D("part two"));
    EXPECT_EQ(p.GetState(), Parser::State::Body);
    ev = p.FeedEof();
    ASSERT_EQ(ev.size(), 2u) << Describe(ev);
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(ev[0]));
    EXPECT_TRUE(std::holds_alternative<ConnectionClosed>(ev[1]));
}

TEST(HttpParser, BareLfLineEndsAreAccepted) {
    const auto ev = ParseWhole(MessageKind::Request, "GET / HTTP/1.1\nHost: a\nX: y\n\n", false);
    ASSERT_EQ(ev.size(), 2u) << Describe(ev);
    EXPECT_EQ(As<RequestHead>(ev[0]).headers.Get("x"), "y");
}

TEST(HttpParser, Http10WithoutKeepAliveEndsTheConnection) {
    Parser p(MessageKind::Request);
    auto ev = p.Feed(ByteView(std::string_view("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n")));
    ASSERT_EQ(ev.size(), 2u) << Describe(ev);
    EXPECT_EQ(p.GetState(), Parser::State::Done);
    EXPECT_TRUE(std::holds_alternative<Paused>(p.Next()));
    ev = p.FeedEof();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<ConnectionClosed>(ev[0]));
}

TEST(HttpParser, Http10KeepAliveAndHttp11CloseAreHonoured) {
    Parser p(MessageKind::Request);
    auto ev =
        p.Feed(ByteView(std::string_view("GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
                                         "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                                         "GET /c HTTP/1.1\r\nHost: h\r\n\r\n")));
    ASSERT_EQ(ev.size(), 4u) << Describe(ev);
    EXPECT_EQ(As<RequestHead>(ev[2]).target, "/b");
    EXPECT_EQ(p.GetState(), Parser::State::Done);
}

TEST(HttpParser, UpgradeRequestPausesAndHandsOverTheRemainingBytes) {
    const std::string input = "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                              "Connection: keep-alive, Upgrade\r\n\r\n"
                              "\x81\x85\x01\x02\x03\x04iggkn";
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        Parser p(MessageKind::Request);
        auto ev = p.Feed(ByteView(std::string_view(input).substr(0, cut)));
        auto more = p.Feed(ByteView(std::string_view(input).substr(cut)));
        ev.insert(ev.end(), more.begin(), more.end());
        ASSERT_EQ(ev.size(), 2u) << "cut " << cut << "\n" << Describe(ev);
        ASSERT_EQ(p.GetState(), Parser::State::UpgradePending);
        EXPECT_TRUE(std::holds_alternative<Paused>(p.Next()));
        const Bytes rest = p.AcceptUpgrade();
        EXPECT_EQ(std::string(rest.begin(), rest.end()), input.substr(input.find("\x81")));
        EXPECT_EQ(p.GetState(), Parser::State::SwitchedProtocols);
        p.Receive(ByteView(std::string_view("more")));
        const Bytes later = p.TakeTrailingData();
        EXPECT_EQ(std::string(later.begin(), later.end()), "more");
    }
}

TEST(HttpParser, DeclinedUpgradeGoesOnWithHttp) {
    Parser p(MessageKind::Request);
    auto ev = p.Feed(ByteView(std::string_view(
        "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"
        "GET /next HTTP/1.1\r\nHost: h\r\n\r\n")));
    ASSERT_EQ(ev.size(), 2u);
    p.DeclineUpgrade();
    ev = p.Feed(ByteView());
    ASSERT_EQ(ev.size(), 2u) << Describe(ev);
    EXPECT_EQ(As<RequestHead>(ev[0]).target, "/next");
}

TEST(HttpParser, SwitchingProtocolsResponseHandsOverTheRemainingBytes) {
    const std::string input = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\n\r\n\x81\x02hi";
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        Parser p(MessageKind::Response);
        auto ev = p.Feed(ByteView(std::string_view(input).substr(0, cut)));
        auto more = p.Feed(ByteView(std::string_view(input).substr(cut)));
        ev.insert(ev.end(), more.begin(), more.end());
        ASSERT_EQ(ev.size(), 2u) << Describe(ev);
        EXPECT_EQ(As<ResponseHead>(ev[0]).status, 101);
        ASSERT_EQ(p.GetState(), Parser::State::SwitchedProtocols);
        const Bytes rest = p.TakeTrailingData();
        EXPECT_EQ(std::string(rest.begin(), rest.end()), "\x81\x02hi");
    }
}

TEST(HttpParser, ConnectResponseSwitches) {
    Parser p(MessageKind::Response);
    p.ExpectResponseTo("CONNECT");
    auto ev = p.Feed(ByteView(std::string_view("HTTP/1.1 200 Connection established\r\n\r\nTLS")));
    ASSERT_EQ(ev.size(), 2u) << Describe(ev);
    EXPECT_EQ(p.GetState(), Parser::State::SwitchedProtocols);
    const Bytes rest = p.TakeTrailingData();
    EXPECT_EQ(std::string(rest.begin(), rest.end()), "TLS");
}

TEST(HttpParser, EofInsideAMessageIsAnError) {
    const std::vector<std::string> truncated = {
        "GET / HTTP/1.1\r\nHost: a\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
    };
    for (const auto& t : truncated) {
        const auto ev = ParseWhole(MessageKind::Request, t, true);
        ASSERT_FALSE(ev.empty()) << t;
        const auto* err = std::get_if<ProtocolError>(&ev.back());
        ASSERT_NE(err, nullptr) << t << "\n" << Describe(ev);
        EXPECT_EQ(err->status, 400);
    }
    const auto idle = ParseWhole(MessageKind::Request, "", true);
    ASSERT_EQ(idle.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<ConnectionClosed>(idle[0]));
}

struct ErrorCase {
    const char* name;
    std::string input;
    int status;
};

TEST(HttpParser, MalformedRequestsMapToTheStatusAServerSends) {
    const std::string big_line = "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n";
    std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 101; ++i)
        many += "X-" + std::to_string(i) + ": v\r\n";
    many += "\r\n";
    const std::string huge_head =
        "GET / HTTP/1.1\r\nHost: a\r\nCookie: " + std::string(17000, 'c') + "\r\n\r\n";
    const std::vector<ErrorCase> cases = {
        {"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n  two\r\n\r\n", 400},
        {"space before first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400},
        {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
        {"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505},
        {"bad version", "GET / HTTP/1\r\nHost: a\r\n\r\n", 400},
        {"lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400},
        {"two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        {"no target", "GET HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        {"method not a token", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        {"control in target", "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        {"unknown coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
        {"gzip then chunked",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {"chunked twice",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400},
        {"TE and CL",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
         400},
        {"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        {"CL not a number", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400},
        {"CL negative", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400},
        {"CL disagree",
         "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
        {"CL list disagree", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n", 400},
        {"no Host", "GET / HTTP/1.1\r\n\r\n", 400},
        {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
        {"no colon", "GET / HTTP/1.1\r\nHost: a\r\nJunk\r\n\r\n", 400},
        {"empty name", "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400},
        {"NUL in value", std::string("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35), 400},
        {"bare CR", "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400},
        {"bad chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         400},
        {"chunk longer than its size",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400},
        {"chunk ext with control",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;a\x01\r\nab\r\n", 400},
        {"obs-fold in trailer",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n 2\r\n\r\n",
         400},
        {"body too large", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 8388609\r\n\r\n", 413},
        {"CL beyond 64 bits",
         "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413},
        {"chunk too large",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n800001\r\n", 413},
        {"chunk size beyond 64 bits",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111111\r\n",
         413},
        {"request line too long", big_line, 414},
        {"too many fields", many, 431},
        {"header section too large", huge_head, 431},
    };
    for (const auto& c : cases) {
        // Whole, and byte by byte: the verdict must not depend on the split.
        for (bool bytewise : {false, true}) {
            const auto ev = ParseInPieces(
                MessageKind::Request, c.input,
                bytewise ? EveryByte(c.input.size()) : std::vector<std::size_t>{}, false);
            ASSERT_FALSE(ev.empty()) << c.name;
            const auto* err = std::get_if<ProtocolError>(&ev.back());
            ASSERT_NE(err, nullptr) << c.name << "\n" << Describe(ev);
            EXPECT_EQ(err->status, c.status) << c.name << ": " << err->message;
            EXPECT_FALSE(err->message.empty());
        }
    }
}

TEST(HttpParser, ErrorsAreStickyAndNameTheProblem) {
    Parser p(MessageKind::Request);
    auto ev = p.Feed(ByteView(std::string_view("GET / HTTP/1.1\r\nHost: a\r\n  folded\r\n\r\n")));
    ASSERT_EQ(ev.size(), 1u);
    const auto err = As<ProtocolError>(ev[0]);
    EXPECT_NE(err.message.find("obs-fold"), std::string::npos) << err.message;
    p.Receive(ByteView(std::string_view("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
    EXPECT_EQ(std::get<ProtocolError>(p.Next()), err);
    EXPECT_EQ(p.GetState(), Parser::State::Error);
}

TEST(HttpParser, LimitsAreInclusive) {
    Limits limits;
    limits.max_body_bytes = 5;
    limits.max_headers = 2;
    const auto ok = ParseWhole(MessageKind::Request,
                               "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
                               false, {}, limits);
    ASSERT_EQ(ok.size(), 3u) << Describe(ok);
    const auto chunked_ok = ParseWhole(MessageKind::Request,
                                       "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
                                       "chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n",
                                       false, {}, limits);
    ASSERT_EQ(chunked_ok.size(), 3u) << Describe(chunked_ok);
    const auto chunked_big = ParseWhole(
        MessageKind::Request,
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n3\r\nlo!\r\n",
        false, {}, limits);
    EXPECT_EQ(As<ProtocolError>(chunked_big.back()).status, 413) << Describe(chunked_big);

    // Exactly max_header_bytes passes; one more fails.
    Limits tight;
    const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    tight.max_header_bytes = head.size();
    EXPECT_EQ(ParseWhole(MessageKind::Request, head, false, {}, tight).size(), 2u);
    tight.max_header_bytes = head.size() - 1;
    EXPECT_EQ(
        As<ProtocolError>(ParseWhole(MessageKind::Request, head, false, {}, tight).back()).status,
        431);
}

// A start line exactly at the limit: its CR arriving before its LF is not one byte too
// many (the verdict must not depend on the split; found by the fuzz_http_response target).
TEST(HttpParser, StartLineAtTheLimitWithItsCrAloneInAPiece) {
    Limits limits;
    limits.max_start_line = 20;
    const std::string line = "HTTP/1.1 200 OKOKOKO"; // 20 bytes
    ASSERT_EQ(line.size(), 20u);
    const std::string response = line + "\r\nContent-Length: 0\r\n\r\n";
    const auto whole = ParseWhole(MessageKind::Response, response, false, {"GET"}, limits);
    ASSERT_EQ(whole.size(), 2u) << Describe(whole);
    EXPECT_EQ(As<ResponseHead>(whole[0]).status, 200);
    const auto split =
        ParseInPieces(MessageKind::Response, response, {line.size() + 1}, false, {"GET"}, limits);
    EXPECT_EQ(Describe(MergeData(split)), Describe(MergeData(whole)));
    // One byte more is too long, split or not.
    const std::string longer = "HTTP/1.1 200 OKOKOKOK\r\n\r\n";
    EXPECT_EQ(
        As<ProtocolError>(ParseWhole(MessageKind::Response, longer, false, {"GET"}, limits).back())
            .status,
        502);
    EXPECT_EQ(As<ProtocolError>(
                  ParseInPieces(MessageKind::Response, longer, {22}, false, {"GET"}, limits).back())
                  .status,
              502);
}

// The fuzzer's input, as it found it (fuzz_inputs/): after a response, a next "status
// line" of exactly 256 bytes and its CRLF, then EOF; fed in 8-byte pieces (the target's
// choice byte) with the target's limits, it gave "status line too long" where the whole
// input gave "closed inside a message head".
TEST(HttpParser, FuzzInputStartLineCrSplit) {
    const FuzzReplay r = ReplayFuzzInput("http_response-start-line-cr-split.bin",
                                         MessageKind::Response, 8, {"GET", "GET"});
    ASSERT_TRUE(r.found);
    EXPECT_EQ(Describe(MergeData(r.pieces)), Describe(MergeData(r.whole)));
    EXPECT_EQ(As<ProtocolError>(r.whole.back()).message, "connection closed inside a message head");
}

// A 2xx to CONNECT has no content and its Content-Length is ignored (RFC 9110 9.3.6), even an
// empty one, which answering GET is a broken response (502). The fuzz_http_response target
// once judged such a head by re-parsing it as an answer to GET; it now keeps the method.
TEST(HttpParser, ContentLengthOfA2xxToConnectIsIgnored) {
    const std::string head = "HTTP/1.1 200\nContent-Length:\n\n";
    const auto tunnel = ParseWhole(MessageKind::Response, head, false, {"CONNECT"});
    ASSERT_FALSE(tunnel.empty());
    EXPECT_EQ(As<ResponseHead>(tunnel[0]).status, 200) << Describe(tunnel);
    for (const Event& e : tunnel)
        EXPECT_FALSE(std::holds_alternative<ProtocolError>(e)) << Describe(tunnel);
    const auto get = ParseWhole(MessageKind::Response, head, false, {"GET"});
    EXPECT_EQ(As<ProtocolError>(get.back()).status, 502) << Describe(get);
}

// The same for a chunk-size line (found by fuzz_http_request after the start line's fix):
// a line of exactly max_chunk_line bytes whose CR comes alone is not too long.
TEST(HttpParser, ChunkLineAtTheLimitWithItsCrAloneInAPiece) {
    Limits limits;
    limits.max_chunk_line = 8;
    const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string line = "3;a=bcde"; // 8 bytes
    const std::string request = head + line + "\r\nabc\r\n0\r\n\r\n";
    const auto whole = ParseWhole(MessageKind::Request, request, false, {}, limits);
    ASSERT_EQ(whole.size(), 3u) << Describe(whole);
    const auto split = ParseInPieces(MessageKind::Request, request, {head.size() + line.size() + 1},
                                     false, {}, limits);
    EXPECT_EQ(Describe(MergeData(split)), Describe(MergeData(whole)));
}

// The fuzzer's input (fuzz_inputs/, two choice bytes, then the request fed a byte at a
// time): a chunk-size line of 64 bytes, the target's limit, then CRLF. Whole, it is a
// malformed extension; byte by byte it was "too long".
TEST(HttpParser, FuzzInputChunkLineCrSplit) {
    const FuzzReplay r =
        ReplayFuzzInput("http_request-chunk-line-cr-split.bin", MessageKind::Request, 1);
    ASSERT_TRUE(r.found);
    EXPECT_EQ(Describe(MergeData(r.pieces)), Describe(MergeData(r.whole)));
    EXPECT_EQ(As<ProtocolError>(r.whole.back()).message, "malformed chunk extension");
}

// The body up to the limit, then the refusal, however the bytes arrive (found by
// fuzz_http_response: whole, the refusal came alone; in pieces, after the data).
TEST(HttpParser, UntilCloseBodyRespectsTheLimit) {
    Limits limits;
    limits.max_body_bytes = 4;
    const std::string response = "HTTP/1.1 200 OK\r\n\r\nhello";
    const auto ev = ParseWhole(MessageKind::Response, response, true, {}, limits);
    ASSERT_EQ(ev.size(), 3u) << Describe(ev);
    EXPECT_EQ(As<Data>(ev[1]).data, Bytes({'h', 'e', 'l', 'l'}));
    EXPECT_EQ(As<ProtocolError>(ev.back()).status, 502) << Describe(ev);
    const auto pieces = ParseInPieces(MessageKind::Response, response, EveryByte(response.size()),
                                      true, {}, limits);
    EXPECT_EQ(Describe(MergeData(pieces)), Describe(MergeData(ev)));
    // Exactly the limit is a whole body.
    const auto at_limit =
        ParseWhole(MessageKind::Response, "HTTP/1.1 200 OK\r\n\r\nhell", true, {}, limits);
    ASSERT_EQ(at_limit.size(), 4u) << Describe(at_limit);
    EXPECT_TRUE(std::holds_alternative<EndOfMessage>(at_limit[2])) << Describe(at_limit);
}

// The fuzzer's input (fuzz_inputs/): a read-until-close body past the target's 2048-byte
// limit, fed in 8-byte pieces.
TEST(HttpParser, FuzzInputUntilCloseLimitSplit) {
    const FuzzReplay r = ReplayFuzzInput("http_response-until-close-limit-split.bin",
                                         MessageKind::Response, 8, {"GET", "GET"});
    ASSERT_TRUE(r.found);
    EXPECT_EQ(Describe(MergeData(r.pieces)), Describe(MergeData(r.whole)));
    EXPECT_EQ(As<ProtocolError>(r.whole.back()).status, 502);
}

TEST(HttpParser, BrokenResponsesMapTo502) {
    const std::vector<std::string> broken = {
        "HTTP/1.1 2OO OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/3.0 200 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Header: y\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
    };
    for (const auto& b : broken) {
        const auto ev = ParseWhole(MessageKind::Response, b, false);
        ASSERT_FALSE(ev.empty()) << b;
        const auto* err = std::get_if<ProtocolError>(&ev.back());
        ASSERT_NE(err, nullptr) << b << Describe(ev);
        EXPECT_EQ(err->status, 502) << b;
    }
}

TEST(HttpParser, StatusLineWithoutReasonIsAccepted) {
    const auto ev =
        ParseWhole(MessageKind::Response, "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false);
    ASSERT_EQ(ev.size(), 2u) << Describe(ev);
    EXPECT_EQ(As<ResponseHead>(ev[0]).status, 404);
    EXPECT_EQ(As<ResponseHead>(ev[0]).reason, "");
}

TEST(HttpParser, ResponseWithTransferEncodingOtherThanChunkedReadsUntilClose) {
    const auto ev = ParseWhole(
        MessageKind::Response,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabcdef", true);
    ASSERT_EQ(ev.size(), 4u) << Describe(ev);
    EXPECT_EQ(As<Data>(ev[1]), D("abcdef"));
}

TEST(HttpParser, LongBodyFedInPiecesIsLinearAndComplete) {
    const std::string body(200000, 'x');
    const std::string msg =
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    Parser p(MessageKind::Request);
    std::size_t got = 0;
    bool ended = false;
    for (std::size_t off = 0; off < msg.size(); off += 7) {
        for (const auto& e : p.Feed(ByteView(std::string_view(msg).substr(off, 7)))) {
            if (const auto* d = std::get_if<Data>(&e))
                got += d->data.size();
            ended |= std::holds_alternative<EndOfMessage>(e);
        }
    }
    EXPECT_EQ(got, body.size());
    EXPECT_TRUE(ended);
    EXPECT_LT(p.Buffered(), 8u);
}
